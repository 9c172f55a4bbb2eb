"""Generate PyTorch GRU reference data for the lstm_core tests (tests/core/test_gru.py).

This script builds ``torch.nn.GRU(D, H)`` (one layer) in float64, runs it over short
sequences starting from a non-zero h0, backpropagates a random linear loss
``sum(h_all * R)`` with autograd, and stores everything (parameters, inputs, the
initial state, all hidden states, per-step gates r, z, n and all gradients) into
``torch_gru.npz`` next to this file.

Why: the numpy GRU is checked against PyTorch's, but torch must never be a test
dependency. The tests only load this ``.npz`` with plain numpy
(``np.load(path, allow_pickle=False)``); only regenerating the file needs torch.

Layout conventions (those of torch.nn.GRU layer 0):
    weight_ih (3H, D), weight_hh (3H, H), bias_ih (3H,), bias_hh (3H,)
    gate row-blocks in order r, z, n
    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
    z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    h' = (1 - z) * n + z * h

The gates are recomputed here from those equations and asserted to reproduce
nn.GRU's output to 1e-12, so the stored r, z, n are nn.GRU's own.

Keys: ``case{k}/<name>`` for every case (see README.md), plus top-level
``cases`` (unicode array of case names) and ``torch_version`` (unicode array).

Regenerate with:
    pip install torch==2.13.0 numpy && python tests/reference/make_torch_gru_reference.py
"""

from pathlib import Path

import numpy as np
import torch

OUT_PATH = Path(__file__).resolve().parent / "torch_gru.npz"

# (D, H, T, B); B is None for an unbatched case.
CASES = [
    (1, 1, 3, None),   # case0
    (1, 2, 6, 4),      # case1
    (3, 5, 20, None),  # case2
    (3, 2, 7, 3),      # case3
    (1, 5, 12, 2),     # case4
    (3, 1, 9, None),   # case5
    (1, 2, 20, None),  # case6
    (3, 5, 4, 5),      # case7
]

SEED_BASE = 4321
WEIGHT_STD = 0.5
STATE_STD = 0.5
BIAS_STD = 0.5
# Distinct constants per gate block, different in bias_ih and bias_hh, so that a
# gate-order mix-up, or treating b_hn like b_in (outside r), is detectable.
BIAS_IH_OFFSETS = {"r": 0.4, "z": -0.7, "n": 0.2}
BIAS_HH_OFFSETS = {"r": -0.3, "z": 0.5, "n": 0.9}
GATE_NAMES = ("r", "z", "n")
TOL = 1e-12


def make_inputs(k, D, H, T, B):
    """Draw all parameters and inputs for case k from a seeded numpy RNG."""
    rng = np.random.default_rng(SEED_BASE + k)
    state_shape = (H,) if B is None else (B, H)
    x_shape = (T, D) if B is None else (T, B, D)

    weight_ih = rng.normal(0.0, WEIGHT_STD, size=(3 * H, D))  # (3H, D)
    weight_hh = rng.normal(0.0, WEIGHT_STD, size=(3 * H, H))  # (3H, H)
    bias_ih = rng.normal(0.0, BIAS_STD, size=(3 * H,))        # (3H,)
    bias_hh = rng.normal(0.0, BIAS_STD, size=(3 * H,))        # (3H,)
    bias_ih = bias_ih + np.repeat([BIAS_IH_OFFSETS[g] for g in GATE_NAMES], H)
    bias_hh = bias_hh + np.repeat([BIAS_HH_OFFSETS[g] for g in GATE_NAMES], H)

    xs = rng.normal(0.0, 1.0, size=x_shape)            # (T, D) or (T, B, D)
    h0 = rng.normal(0.0, STATE_STD, size=state_shape)  # (H,) or (B, H)
    R = rng.normal(0.0, 1.0, size=(T,) + state_shape)  # (T, H) or (T, B, H)

    for name, arr in [("bias_ih", bias_ih), ("bias_hh", bias_hh), ("h0", h0)]:
        assert np.all(np.abs(arr) > 1e-6), f"case{k}: {name} has a ~zero entry"
    return dict(weight_ih=weight_ih, weight_hh=weight_hh, bias_ih=bias_ih,
                bias_hh=bias_hh, xs=xs, h0=h0, R=R)


def build_gru(D, H, p):
    """torch.nn.GRU in float64 with the given numpy parameters (layer 0)."""
    gru = torch.nn.GRU(D, H).double()
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(gru, f"{name}_l0").copy_(torch.from_numpy(p[name]))
    return gru


def gates(gru, x, h):
    """r, z, n and the next h from the equations above. x: (D,) / (B, D); h: (H,) / (B, H)."""
    a_x = x @ gru.weight_ih_l0.T + gru.bias_ih_l0  # (3H,) or (B, 3H)
    a_h = h @ gru.weight_hh_l0.T + gru.bias_hh_l0  # (3H,) or (B, 3H)
    a_xr, a_xz, a_xn = a_x.chunk(3, dim=-1)
    a_hr, a_hz, a_hn = a_h.chunk(3, dim=-1)
    r = torch.sigmoid(a_xr + a_hr)
    z = torch.sigmoid(a_xz + a_hz)
    n = torch.tanh(a_xn + r * a_hn)
    return r, z, n, (1 - z) * n + z * h


def run_case(k, D, H, T, B):
    """Run one case forward (nn.GRU over the whole sequence) and backward; return float64 arrays."""
    p = make_inputs(k, D, H, T, B)
    gru = build_gru(D, H, p)

    xs = torch.from_numpy(p["xs"]).requires_grad_(True)  # (T, D) / (T, B, D)
    h0 = torch.from_numpy(p["h0"]).requires_grad_(True)  # (H,) / (B, H)
    R = torch.from_numpy(p["R"])                          # (T, H) / (T, B, H)

    # nn.GRU takes h0 with a leading num_layers axis: (1, H) unbatched, (1, B, H) batched
    h_all, h_last = gru(xs, h0.unsqueeze(0))  # (T, H) / (T, B, H)
    assert torch.equal(h_all[-1], h_last[0])
    loss = (h_all * R).sum()
    loss.backward()

    with torch.no_grad():
        h = h0
        per_gate = {g: [] for g in GATE_NAMES}
        for t in range(T):
            r, z, n, h = gates(gru, xs[t], h)
            assert torch.allclose(h, h_all[t], rtol=0, atol=TOL), (k, t, "h")
            for g, a in zip(GATE_NAMES, (r, z, n)):
                per_gate[g].append(a)

    out = dict(p)
    out["h"] = h_all.detach().numpy()
    for g in GATE_NAMES:
        out[f"gates_{g}"] = torch.stack(per_gate[g]).numpy()  # (T, H) / (T, B, H)
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        out[f"grad_{name}"] = getattr(gru, f"{name}_l0").grad.numpy()
    out["grad_xs"] = xs.grad.numpy()  # (T, D) or (T, B, D)
    out["grad_h0"] = h0.grad.numpy()  # (H,) or (B, H)

    for name, arr in out.items():
        assert arr.dtype == np.float64, (k, name, arr.dtype)
    return {name: np.ascontiguousarray(arr) for name, arr in out.items()}


def main():
    torch.manual_seed(0)  # nn.GRU's own initial draw is overwritten, but keep it fixed anyway
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    arrays = {}
    names = []
    for k, (D, H, T, B) in enumerate(CASES):
        name = f"case{k}"
        names.append(name)
        for key, arr in run_case(k, D, H, T, B).items():
            arrays[f"{name}/{key}"] = arr
    arrays["cases"] = np.array(names)
    arrays["torch_version"] = np.array([torch.__version__])
    np.savez_compressed(OUT_PATH, **arrays)  # unicode arrays only, no pickle
    print(f"wrote {OUT_PATH} ({len(names)} cases, torch {torch.__version__})")


if __name__ == "__main__":
    main()
