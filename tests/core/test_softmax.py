"""lstm_core.softmax: the softmax readout and cross-entropy, by hand, against central differences, and
against PyTorch's nn.CrossEntropyLoss on stored cases (tests/reference/torch_softmax.npz)."""

from pathlib import Path

import numpy as np
import pytest

from lstm_core import LSTMParams
from lstm_core.softmax import (cross_entropy, log_softmax, logits, sequence_loss, sequence_loss_and_grads,
                               softmax)

from helpers.fd import assert_gradient_close, central_difference

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "torch_softmax.npz"
# Distinct, non-zero per-gate bias offsets: a gate-order mix-up in the gradients shows.
GATE_OFFSETS = {"i": 0.3, "f": 1.0, "g": -0.4, "o": 0.6}


def model(V=5, H=3, seed=0):
    rng = np.random.default_rng(seed)
    b = np.concatenate([off + 0.2 * rng.normal(size=H) for off in GATE_OFFSETS.values()])
    return LSTMParams(W_x=0.5 * rng.normal(size=(4 * H, V)), W_h=0.5 * rng.normal(size=(4 * H, H)), b=b,
                      W_y=rng.normal(size=(V, H)), b_y=rng.normal(size=V))


# --- by hand ------------------------------------------------------------------------------


def test_uniform_logits_cost_log_V():
    # equal logits: p = 1/V for every symbol, so -log p_k = log V whatever the target
    loss, dy = cross_entropy(np.zeros((3, 4)), np.array([0, 1, 3]))
    assert loss == pytest.approx(np.log(4.0), rel=1e-15)
    # dL/dy = (p - onehot) / N = (1/4 - [k == v]) / 3
    expected = np.full((3, 4), 0.25 / 3)
    expected[[0, 1, 2], [0, 1, 3]] = (0.25 - 1.0) / 3
    np.testing.assert_allclose(dy, expected, rtol=1e-15)


def test_two_symbols_is_the_logistic_loss():
    # V = 2: p_1 = σ(y_1 - y_0), so -log p_1 = log(1 + e^-(y_1 - y_0))
    y = np.array([[0.3, 1.5]])
    loss, _ = cross_entropy(y, np.array([1]))
    assert loss == pytest.approx(np.log1p(np.exp(-1.2)), rel=1e-14)


def test_softmax_survives_huge_logits_and_sums_to_one():
    y = np.array([[1000.0, 999.0, -1000.0]])
    p = softmax(y)
    assert np.all(np.isfinite(p)) and p.sum() == pytest.approx(1.0, abs=1e-15)
    assert p[0, 0] / p[0, 1] == pytest.approx(np.e, rel=1e-14)
    assert p[0, 2] == 0.0  # e^-2000 underflows; its log is still finite:
    logp = log_softmax(y)[0]
    np.testing.assert_allclose(logp[:2], np.log(p[0, :2]), rtol=1e-14)
    assert logp[2] == pytest.approx(-2000.0 - np.log1p(np.exp(-1.0)), rel=1e-15)


def test_targets_are_checked():
    y = np.zeros((2, 3))
    with pytest.raises(TypeError, match="integer"):
        cross_entropy(y, np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        cross_entropy(y, np.array([0, 3]))
    with pytest.raises(ValueError, match="shape"):
        cross_entropy(y, np.array([0]))


def test_plain_and_fast_logits_agree_and_plain_is_chunked(monkeypatch):
    params = model(V=7, H=4)
    h = np.random.default_rng(3).normal(size=(9, 2, 4))
    plain = logits(params, h)
    monkeypatch.setattr("lstm_core.softmax.READOUT_CHUNK", 7 * 4 * 2)  # 2 rows per chunk: many chunks
    np.testing.assert_array_equal(logits(params, h), plain)
    np.testing.assert_allclose(logits(params, h, fast=True), plain, rtol=1e-14, atol=1e-15)


# --- central differences ------------------------------------------------------------------


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("batched", [False, True])
def test_every_gradient_matches_central_differences(fast, batched):
    V, H, T, B = 5, 3, 6, 2
    rng = np.random.default_rng(11)
    params = model(V, H, seed=1)
    ks = rng.integers(0, V, size=(T + 1, B))
    xs = np.eye(V)[ks[:-1]]  # (T, B, V) one-hot, as the lesson reads characters
    targets = ks[1:]
    h0, c0 = 0.3 * rng.normal(size=(B, H)), 0.3 * rng.normal(size=(B, H))  # a carried state, as in truncated BPTT
    if not batched:
        xs, targets, h0, c0 = xs[:, 0], targets[:, 0], h0[0], c0[0]
    loss, grads, trace = sequence_loss_and_grads(params, xs, targets, h0=h0, c0=c0, fast=fast)
    assert loss == sequence_loss(params, xs, targets, h0=h0, c0=c0, fast=fast)[0]
    for name, arr in params.arrays().items():
        numeric = central_difference(lambda: sequence_loss(params, xs, targets, h0=h0, c0=c0)[0], arr, 1e-5)
        assert np.max(np.abs(numeric)) > 1e-4, f"{name}: a zero gradient checks nothing"
        assert_gradient_close(getattr(grads, name), numeric, name, rtol=1e-7)


def test_the_gradient_stops_at_the_carried_state():
    # truncated BPTT: h0, c0 are inputs, not functions of the weights; moving them changes the loss
    params = model()
    xs = np.eye(5)[[0, 3, 1, 4]]
    base = sequence_loss(params, xs, np.array([3, 1, 4, 2]))[0]
    moved = sequence_loss(params, xs, np.array([3, 1, 4, 2]), h0=np.full(3, 0.5), c0=np.full(3, -0.5))[0]
    assert moved != base


# --- PyTorch ------------------------------------------------------------------------------


def torch_cases():
    data = np.load(REFERENCE, allow_pickle=False)
    return [(name, {k.split("/", 1)[1]: data[k] for k in data.files if k.startswith(name + "/")})
            for name in data["cases"]]


def test_reference_file_is_torch_2_13():
    data = np.load(REFERENCE, allow_pickle=False)
    assert str(data["torch_version"][0]).startswith("2.13.0")
    assert len(data["cases"]) == 6


TORCH_CASES = torch_cases()


@pytest.mark.parametrize("name,case", TORCH_CASES, ids=[n for n, _ in TORCH_CASES])
def test_cross_entropy_matches_torch(name, case):
    loss, dy = cross_entropy(case["logits"], case["targets"])
    assert loss == pytest.approx(float(case["loss"]), rel=1e-13, abs=1e-15)
    np.testing.assert_allclose(dy, case["grad"], rtol=1e-12, atol=1e-17)
    np.testing.assert_allclose(softmax(case["logits"]), case["softmax"], rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(log_softmax(case["logits"]), case["log_softmax"], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name,case", TORCH_CASES, ids=[n for n, _ in TORCH_CASES])
def test_the_fast_path_with_numpys_exp_agrees(name, case):
    plain, dy_plain = cross_entropy(case["logits"], case["targets"])
    fast, dy_fast = cross_entropy(case["logits"], case["targets"], fast=True)
    assert fast == pytest.approx(plain, rel=1e-14, abs=1e-15)
    np.testing.assert_allclose(dy_fast, dy_plain, rtol=1e-13, atol=1e-17)
    np.testing.assert_allclose(softmax(case["logits"], fast=True), softmax(case["logits"]), rtol=1e-14, atol=1e-300)
