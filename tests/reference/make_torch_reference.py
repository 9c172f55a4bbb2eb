"""Generate PyTorch reference data for the lstm_core tests.

This script builds ``torch.nn.LSTMCell(D, H)`` in float64, runs it over short
sequences starting from non-zero (h0, c0), backpropagates a random linear loss
``sum(h_all * R)`` with autograd, and stores everything (parameters, inputs,
initial states, all hidden/cell states, per-step gate activations and all
gradients) into ``lstm_core/data/torch_lstm.npz`` (package data).

Why: the numpy LSTM in this project is checked against PyTorch's LSTM, but
torch must never be a test dependency. The tests therefore only load this
``.npz`` with plain numpy (``np.load(path, allow_pickle=False)``); only
regenerating the file needs torch.

Layout conventions (identical to torch.nn.LSTMCell / nn.LSTM layer 0):
    weight_ih (4H, D), weight_hh (4H, H), bias_ih (4H,), bias_hh (4H,)
    gate row-blocks in order i, f, g, o
    z = x W_ih^T + b_ih + h W_hh^T + b_hh
    i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o);  g = tanh(z_g)
    c' = f * c + i * g ;  h' = o * tanh(c')

Keys: ``case{k}/<name>`` for every case (see README.md), plus top-level
``cases`` (unicode array of case names) and ``torch_version`` (unicode array).

Regenerate with:
    pip install torch==2.13.0 numpy && python tests/reference/make_torch_reference.py
"""

from pathlib import Path

import numpy as np
import torch

# package data: lesson 07 loads it from an installed lstm_core too
OUT_PATH = Path(__file__).resolve().parents[2] / "lstm_core" / "data" / "torch_lstm.npz"

# (D, H, T, B); B is None for an unbatched case.
CASES = [
    (1, 1, 3, None),   # case0
    (1, 2, 5, 4),      # case1
    (3, 5, 20, None),  # case2
    (3, 2, 7, 3),      # case3
    (1, 5, 12, 2),     # case4
    (3, 1, 9, None),   # case5
    (1, 2, 20, None),  # case6
    (3, 5, 4, 5),      # case7
]

SEED_BASE = 1234
WEIGHT_STD = 0.5
STATE_STD = 0.5
BIAS_STD = 0.5
# Distinct constant added to each gate block of bias_ih, so that every gate's
# bias differs and a gate-order / gate-bias mix-up is detectable.
GATE_BIAS_OFFSETS = {"i": 0.3, "f": 1.0, "g": -0.4, "o": 0.6}
GATE_NAMES = ("i", "f", "g", "o")
TOL = 1e-12


def make_inputs(k, D, H, T, B):
    """Draw all parameters and inputs for case k from a seeded numpy RNG."""
    rng = np.random.default_rng(SEED_BASE + k)
    state_shape = (H,) if B is None else (B, H)
    x_shape = (T, D) if B is None else (T, B, D)

    weight_ih = rng.normal(0.0, WEIGHT_STD, size=(4 * H, D))  # (4H, D)
    weight_hh = rng.normal(0.0, WEIGHT_STD, size=(4 * H, H))  # (4H, H)
    bias_ih = rng.normal(0.0, BIAS_STD, size=(4 * H,))        # (4H,)
    bias_hh = rng.normal(0.0, BIAS_STD, size=(4 * H,))        # (4H,)
    offsets = np.repeat([GATE_BIAS_OFFSETS[g] for g in GATE_NAMES], H)  # (4H,)
    bias_ih = bias_ih + offsets

    xs = rng.normal(0.0, 1.0, size=x_shape)            # (T, D) or (T, B, D)
    h0 = rng.normal(0.0, STATE_STD, size=state_shape)  # (H,) or (B, H)
    c0 = rng.normal(0.0, STATE_STD, size=state_shape)  # (H,) or (B, H)
    R = rng.normal(0.0, 1.0, size=(T,) + state_shape)  # (T, H) or (T, B, H)

    for name, arr in [("bias_ih", bias_ih), ("bias_hh", bias_hh),
                      ("h0", h0), ("c0", c0)]:
        assert np.all(np.abs(arr) > 1e-6), f"case{k}: {name} has a ~zero entry"
    return dict(weight_ih=weight_ih, weight_hh=weight_hh, bias_ih=bias_ih,
                bias_hh=bias_hh, xs=xs, h0=h0, c0=c0, R=R)


def build_cell(D, H, p):
    """torch.nn.LSTMCell in float64 with the given numpy parameters."""
    cell = torch.nn.LSTMCell(D, H).double()
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(torch.from_numpy(p[name]))
    return cell


def gate_activations(cell, x, h):
    """Gate activations (i, f, g, o) from the cell's own parameters.

    x: (D,) or (B, D); h: (H,) or (B, H). Returns four (H,) or (B, H) tensors.
    """
    z = (x @ cell.weight_ih.T + cell.bias_ih
         + h @ cell.weight_hh.T + cell.bias_hh)  # (4H,) or (B, 4H)
    z_i, z_f, z_g, z_o = z.chunk(4, dim=-1)
    return (torch.sigmoid(z_i), torch.sigmoid(z_f),
            torch.tanh(z_g), torch.sigmoid(z_o))


def run_case(k, D, H, T, B):
    """Run one case forward and backward; return a dict of float64 arrays."""
    p = make_inputs(k, D, H, T, B)
    cell = build_cell(D, H, p)

    xs = torch.from_numpy(p["xs"]).requires_grad_(True)  # (T, D) / (T, B, D)
    h0 = torch.from_numpy(p["h0"]).requires_grad_(True)  # (H,) / (B, H)
    c0 = torch.from_numpy(p["c0"]).requires_grad_(True)  # (H,) / (B, H)
    R = torch.from_numpy(p["R"])                          # (T, H) / (T, B, H)

    h, c = h0, c0
    hs, cs = [], []
    gates = {g: [] for g in GATE_NAMES}
    for t in range(T):
        with torch.no_grad():
            gi, gf, gg, go = gate_activations(cell, xs[t], h)
            c_chk = gf * c + gi * gg
            h_chk = go * torch.tanh(c_chk)
        h, c = cell(xs[t], (h, c))
        # The gate formula above must be exactly torch's LSTMCell.
        assert torch.allclose(c_chk, c.detach(), rtol=0, atol=TOL), (k, t, "c")
        assert torch.allclose(h_chk, h.detach(), rtol=0, atol=TOL), (k, t, "h")
        for g, a in zip(GATE_NAMES, (gi, gf, gg, go)):
            gates[g].append(a)
        hs.append(h)
        cs.append(c)

    h_all = torch.stack(hs)  # (T, H) or (T, B, H)
    c_all = torch.stack(cs)  # (T, H) or (T, B, H)
    loss = (h_all * R).sum()
    loss.backward()

    out = dict(p)
    out["h"] = h_all.detach().numpy()
    out["c"] = c_all.detach().numpy()
    for g in GATE_NAMES:
        out[f"gates_{g}"] = torch.stack(gates[g]).numpy()  # (T, H) / (T, B, H)
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        out[f"grad_{name}"] = getattr(cell, name).grad.numpy()
    out["grad_xs"] = xs.grad.numpy()  # (T, D) or (T, B, D)
    out["grad_h0"] = h0.grad.numpy()  # (H,) or (B, H)
    out["grad_c0"] = c0.grad.numpy()  # (H,) or (B, H)

    for name, arr in out.items():
        assert arr.dtype == np.float64, (k, name, arr.dtype)
    return {name: np.ascontiguousarray(arr) for name, arr in out.items()}


def main():
    torch.manual_seed(0)
    torch.set_default_dtype(torch.float64)

    data = {}
    names = []
    for k, (D, H, T, B) in enumerate(CASES):
        name = f"case{k}"
        names.append(name)
        for key, arr in run_case(k, D, H, T, B).items():
            data[f"{name}/{key}"] = arr
    data["cases"] = np.array(names)                   # unicode, no pickle
    data["torch_version"] = np.array([torch.__version__])
    np.savez_compressed(OUT_PATH, **data)

    # Check it loads with plain numpy and summarise.
    with np.load(OUT_PATH, allow_pickle=False) as z:
        print(f"wrote {OUT_PATH} ({OUT_PATH.stat().st_size} bytes), "
              f"{len(z.files)} keys, torch {z['torch_version'][0]}")
        for k, (D, H, T, B) in enumerate(CASES):
            print(f"  case{k}: D={D} H={H} T={T} "
                  f"{'unbatched' if B is None else f'B={B}'}  "
                  f"h{z[f'case{k}/h'].shape} xs{z[f'case{k}/xs'].shape}")


if __name__ == "__main__":
    main()
