"""lstm_core.gru: the GRU against PyTorch's nn.GRU (stored reference), a step by hand, and its BPTT
against central differences on every entry.

The reference is tests/reference/torch_gru.npz, made by tests/reference/make_torch_gru_reference.py
(see tests/reference/README.md); torch is not needed here. Tolerance against torch: 1e-10 absolute,
elementwise.
"""

import re
from pathlib import Path

import numpy as np
import pytest

from lstm_core import GRUParams, GRUTrace, LSTMParams, forward, gru_backward, gru_forward
from lstm_core.readout import readout_backward
from lstm_core.gru import GRU_GATES

from helpers.fd import assert_gradient_close, central_difference
from helpers.reference import sig_array
from helpers.torch_reference import StoredReference, sizes

NPZ = Path(__file__).resolve().parents[1] / "reference" / "torch_gru.npz"
TOL = dict(rtol=0, atol=1e-10)


STORED = StoredReference(NPZ)
DATA = STORED.data
CASES = STORED.cases
case = STORED.case


PATHS = pytest.mark.parametrize("fast", [False, True], ids=["plain", "fast"])


def run(ref, fast=False):
    params = GRUParams.from_torch(ref["weight_ih"], ref["weight_hh"], ref["bias_ih"], ref["bias_hh"])
    return params, gru_forward(params, ref["xs"], ref["h0"], fast=fast)


# --- against torch.nn.GRU --------------------------------------------------------------------


def test_reference_file_is_there_and_covers_what_the_tests_need():
    assert len(CASES) >= 5
    assert str(DATA["torch_version"][0]).startswith("2.")
    seen = [sizes(case(name)) for name in CASES]
    assert {D for D, *_ in seen} >= {1, 3}
    assert {H for _, H, _, _ in seen} >= {1, 2, 5}
    assert any(B is None for *_, B in seen) and any(B is not None and B > 1 for *_, B in seen)
    assert max(T for _, _, T, _ in seen) == 20
    for name in CASES:
        ref = case(name)
        D, H, T, B = sizes(ref)
        assert ref["weight_ih"].dtype == np.float64
        assert np.all(ref["h0"] != 0) and ref["h0"].shape == ((H,) if B is None else (B, H))
        for bias in ("bias_ih", "bias_hh"):
            parts = [ref[bias][k * H : (k + 1) * H] for k in range(3)]
            assert all(np.all(p != 0) for p in parts), f"{name}: a zero in {bias}"
            for j in range(3):
                for k in range(j + 1, 3):
                    assert not np.allclose(parts[j], parts[k]), f"{name}: {bias} gates {j}, {k} alike"
        # b_in and b_hn differ, so moving b_hn out of r ⊙ (…) changes the numbers
        assert not np.allclose(ref["bias_ih"][2 * H :], ref["bias_hh"][2 * H :])


@PATHS
@pytest.mark.parametrize("name", CASES)
def test_forward_matches_torch(name, fast):
    ref = case(name)
    _, trace = run(ref, fast)
    assert trace.h.shape == ref["h"].shape
    np.testing.assert_allclose(trace.h, ref["h"], **TOL, err_msg="h")
    for g in GRU_GATES:
        assert getattr(trace, g).shape == ref[f"gates_{g}"].shape
        np.testing.assert_allclose(getattr(trace, g), ref[f"gates_{g}"], **TOL, err_msg=g)


@PATHS
@pytest.mark.parametrize("name", CASES)
def test_backward_matches_torch(name, fast):
    ref = case(name)
    params, trace = run(ref, fast)
    grads, dxs, dh0 = gru_backward(params, trace, dh=ref["R"], fast=fast)
    assert isinstance(grads, GRUParams)
    got = grads.to_torch()
    for key in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        assert got[key].shape == ref[f"grad_{key}"].shape
        np.testing.assert_allclose(got[key], ref[f"grad_{key}"], **TOL, err_msg=key)
    for got_arr, key in ((dxs, "grad_xs"), (dh0, "grad_h0")):
        assert got_arr.shape == ref[key].shape, key
        np.testing.assert_allclose(got_arr, ref[key], **TOL, err_msg=key)


def test_the_two_biases_get_different_gradients():
    # dL/db_hn = Σ da_xn r_t, while dL/db_in = Σ da_xn: they differ because b_hn sits inside r ⊙ (…);
    # torch says so too (the r and z blocks agree, the n blocks do not)
    ref = case(CASES[2])
    H = sizes(ref)[1]
    np.testing.assert_allclose(ref["grad_bias_ih"][: 2 * H], ref["grad_bias_hh"][: 2 * H], rtol=1e-12, atol=1e-14)
    assert not np.allclose(ref["grad_bias_ih"][2 * H :], ref["grad_bias_hh"][2 * H :])
    params, trace = run(ref)
    grads = gru_backward(params, trace, dh=ref["R"])[0]
    np.testing.assert_array_equal(grads.b_x[: 2 * H], grads.b_h[: 2 * H])  # the same da_r, da_z feed both
    assert not np.allclose(grads.b_x[2 * H :], grads.b_h[2 * H :])


# --- the plain path and the fast path ----------------------------------------------------------


def random_gru(rng, D, H, O=None):
    return GRUParams(W_x=rng.normal(0, 0.8, (3 * H, D)), W_h=rng.normal(0, 0.8, (3 * H, H)),
                     b_x=rng.normal(0, 0.5, 3 * H), b_h=rng.normal(0, 0.5, 3 * H),
                     **({} if O is None else {"W_y": rng.normal(size=(O, H)), "b_y": rng.normal(size=O)}))


@pytest.mark.parametrize("D, H, T, B", [(1, 1, 3, None), (3, 4, 12, None), (2, 16, 30, 8), (5, 7, 9, 1)])
def test_the_two_paths_agree(D, H, T, B):
    rng = np.random.default_rng(D * 100 + H)
    params = random_gru(rng, D, H, O=2)
    xs = rng.normal(size=(T, D) if B is None else (T, B, D))
    h0 = rng.normal(0, 0.5, size=(H,) if B is None else (B, H))
    plain, quick = gru_forward(params, xs, h0), gru_forward(params, xs, h0, fast=True)
    for name in ("r", "z", "n", "h", "y"):
        a, b = getattr(plain, name), getattr(quick, name)
        assert a.shape == b.shape
        assert np.max(np.abs(a - b)) <= 1e-13, name
    R = rng.normal(size=plain.h.shape)
    one = gru_backward(params, plain, R, return_dh=True)
    two = gru_backward(params, quick, R, return_dh=True, fast=True)
    for name in GRUParams.NAMES:
        np.testing.assert_allclose(getattr(one[0], name), getattr(two[0], name), rtol=1e-11, atol=1e-13, err_msg=name)
    for k, what in ((1, "dxs"), (2, "dh0"), (3, "dh")):
        np.testing.assert_allclose(one[k], two[k], rtol=1e-11, atol=1e-13, err_msg=what)


def test_the_plain_path_is_the_equations_in_a_fixed_order():
    """Every value of the plain path, bit for bit, from the equations written out with lstm_core.elementary's
    σ and tanh and numpy's own sums over the products W[k, j] v[j] (no BLAS): the same on every CPU."""
    from lstm_core.elementary import sigmoid, tanh

    rng = np.random.default_rng(5)
    D, H, T, B = 2, 3, 6, 4
    params = random_gru(rng, D, H, O=1)
    xs, h0 = rng.normal(size=(T, B, D)), rng.normal(size=(B, H))
    trace = gru_forward(params, xs, h0)
    h = h0
    for t in range(T):
        a_x = (xs[t][:, None, :] * params.W_x).sum(axis=-1) + params.b_x  # (B, 3H)
        a_h = (h[:, None, :] * params.W_h).sum(axis=-1) + params.b_h
        r = sigmoid(a_x[:, :H] + a_h[:, :H])
        z = sigmoid(a_x[:, H : 2 * H] + a_h[:, H : 2 * H])
        n = tanh(a_x[:, 2 * H :] + r * a_h[:, 2 * H :])
        h = (1.0 - z) * n + z * h
        for name, value in (("r", r), ("z", z), ("n", n), ("h", h)):
            np.testing.assert_array_equal(getattr(trace, name)[t], value, err_msg=f"{name} at step {t + 1}")
    y = (trace.h[..., None, :] * params.W_y).sum(axis=-1) + params.b_y
    np.testing.assert_array_equal(trace.y, y)


def test_the_plain_path_takes_sigma_and_tanh_from_elementary(monkeypatch):
    """Swap lstm_core.elementary's functions (as the gru module holds them) and the plain path follows; the
    fast path does not use them."""
    import lstm_core.gru as gru_module

    params = GRUParams.random(1, 2, seed=3)
    monkeypatch.setattr(gru_module, "sigmoid", lambda v: np.full(np.shape(v), 0.25))
    monkeypatch.setattr(gru_module, "tanh", lambda v: np.full(np.shape(v), -0.5))
    trace = gru_forward(params, [1.0, 2.0])
    np.testing.assert_array_equal(trace.r, 0.25)
    np.testing.assert_array_equal(trace.z, 0.25)
    np.testing.assert_array_equal(trace.n, -0.5)
    assert not np.any(gru_forward(params, [1.0, 2.0], fast=True).r == 0.25)


def test_training_a_gru_runs_either_path():
    from lstm_core import loss_and_grads

    rng = np.random.default_rng(8)
    params = GRUParams.random(1, 3, output_size=1, seed=4)
    xs, ys = rng.normal(size=(5, 6, 1)), rng.normal(size=(6, 1))
    loss_p, grads_p, trace_p = loss_and_grads(params, xs, ys)
    loss_f, grads_f, trace_f = loss_and_grads(params, xs, ys, fast=True)
    assert loss_p == pytest.approx(loss_f, rel=1e-13)
    # each ran the path it was asked for (the two differ in the last bits of 11 of these 90 values)
    np.testing.assert_array_equal(trace_p.h_all, gru_forward(params, xs).h_all)
    np.testing.assert_array_equal(trace_f.h_all, gru_forward(params, xs, fast=True).h_all)
    assert np.any(trace_p.h_all != trace_f.h_all)
    for name, a in grads_p.arrays().items():
        np.testing.assert_allclose(a, getattr(grads_f, name), rtol=1e-11, atol=1e-14, err_msg=name)


# --- by hand ----------------------------------------------------------------------------------


def test_one_step_by_hand():
    # D = H = 1. x = 2, h0 = 0.5.  Rows r, z, n of W_x = (1, -1, 0.5), W_h = (2, 1, -3),
    # b_x = (0.1, 0.2, 0.3), b_h = (-0.4, 0.6, 0.8):
    # r = σ(2 + 0.1 + 1 - 0.4) = σ(2.7);  z = σ(-2 + 0.2 + 0.5 + 0.6) = σ(-0.7)
    # n = tanh(1 + 0.3 + r (-1.5 + 0.8)) = tanh(1.3 - 0.7 r);  h = (1 - z) n + 0.5 z
    params = GRUParams(W_x=[[1.0], [-1.0], [0.5]], W_h=[[2.0], [1.0], [-3.0]],
                       b_x=[0.1, 0.2, 0.3], b_h=[-0.4, 0.6, 0.8])
    trace = gru_forward(params, [2.0], h0=[0.5])
    r, z = sig_array(2.7), sig_array(-0.7)
    n = np.tanh(1.3 - 0.7 * r)
    assert trace.r[0, 0] == pytest.approx(r, abs=1e-15)
    assert trace.z[0, 0] == pytest.approx(z, abs=1e-15)
    assert trace.n[0, 0] == pytest.approx(n, abs=1e-15)
    assert trace.h[0, 0] == pytest.approx((1 - z) * n + 0.5 * z, abs=1e-15)
    # and the gradient of L = h_1 by the chain rule written out: dh/dh0 = z + (1 - z) n' (r W_hn + a_hn r' W_hr)
    #                                                                      + (0.5 - n) z' W_hz
    a_hn = -1.5 + 0.8
    n_slope = 1 - n**2
    dh_dh0 = z + (1 - z) * n_slope * (r * -3.0 + a_hn * r * (1 - r) * 2.0) + (0.5 - n) * z * (1 - z) * 1.0
    _, dxs, dh0 = gru_backward(params, trace, [[1.0]])
    assert dh0[0] == pytest.approx(dh_dh0, abs=1e-14)
    dh_dx = (1 - z) * n_slope * (0.5 + a_hn * r * (1 - r) * 1.0) + (0.5 - n) * z * (1 - z) * -1.0
    assert dxs[0, 0] == pytest.approx(dh_dx, abs=1e-14)


def test_update_gate_one_keeps_h_and_zero_takes_the_candidate():
    # a huge z bias gives z = 1 exactly in float64: h_t = h_{t-1}, whatever the input
    keep = GRUParams(W_x=np.ones((3, 1)), W_h=np.ones((3, 1)), b_x=[0.0, 100.0, 0.0], b_h=np.zeros(3))
    np.testing.assert_array_equal(gru_forward(keep, [1.0, -2.0, 3.0], h0=[0.25]).h[:, 0], 0.25)
    take = GRUParams(W_x=np.ones((3, 1)), W_h=np.ones((3, 1)), b_x=[0.0, -100.0, 0.0], b_h=np.zeros(3))
    trace = gru_forward(take, [1.0, -2.0, 3.0], h0=[0.25])
    np.testing.assert_allclose(trace.h, trace.n, rtol=0, atol=1e-40)


# --- central differences on every entry ------------------------------------------------------

EPS = 1e-6


def assert_relative(analytic, numeric, what, rtol=1e-7):
    assert np.max(np.abs(numeric)) > 1e-4, what  # a gradient that is all zero would check nothing
    assert_gradient_close(analytic, numeric, what, rtol)


@PATHS
@pytest.mark.parametrize("batched", [False, True], ids=["one sequence", "batch of 3"])
def test_backward_matches_central_differences_on_every_entry(batched, fast):
    rng = np.random.default_rng(11)
    D, H, T = 3, 2, 5
    params = GRUParams(
        W_x=rng.normal(0, 0.7, (3 * H, D)),
        W_h=rng.normal(0, 0.7, (3 * H, H)),
        b_x=rng.normal(0, 0.5, 3 * H),
        b_h=rng.normal(0, 0.5, 3 * H),
    )
    shape = (T, 3, D) if batched else (T, D)
    xs = rng.normal(size=shape)
    h0 = rng.normal(0, 0.5, size=shape[1:-1] + (H,))
    R = rng.normal(size=shape[:-1] + (H,))  # L = Σ R h, so dL/dh_t = R_t

    def L():
        return float(np.sum(R * gru_forward(params, xs, h0=h0, fast=fast).h))

    grads, dxs, dh0 = gru_backward(params, gru_forward(params, xs, h0=h0, fast=fast), R, fast=fast)
    for name in GRUParams.NAMES:
        assert_relative(getattr(grads, name), central_difference(L, getattr(params, name), EPS), name)
    assert_relative(dxs, central_difference(L, xs, EPS), "xs")
    assert_relative(dh0, central_difference(L, h0, EPS), "h0")


def test_return_dh_is_the_total_gradient_at_each_step():
    # dL/dh_t (total) = R_t + the gradient of Σ_{s > t} R_s h_s with respect to h_t, which is the
    # gradient with respect to h0 of the tail xs[t+1:] started from h_t
    rng = np.random.default_rng(6)
    params = GRUParams.random(1, 3, seed=2)
    xs, R = rng.normal(size=(6, 1)), rng.normal(size=(6, 3))
    trace = gru_forward(params, xs)
    *_, dh = gru_backward(params, trace, R, return_dh=True)
    assert dh.shape == (6, 3)
    np.testing.assert_array_equal(dh[-1], R[-1])
    for t in (0, 2, 4):
        start = trace.h[t].copy()
        tail = central_difference(
            lambda: float(np.sum(R[t + 1 :] * gru_forward(params, xs[t + 1 :], h0=start).h)), start, EPS
        )
        assert_relative(dh[t], R[t] + tail, f"dh[{t}]")


# --- readout, layouts, params helpers ---------------------------------------------------------


def test_readout_and_its_backward():
    rng = np.random.default_rng(3)
    params = GRUParams.random(2, 3, output_size=2, seed=5)
    xs = rng.normal(size=(4, 2))
    trace = gru_forward(params, xs)
    np.testing.assert_allclose(trace.y, trace.h @ params.W_y.T + params.b_y, rtol=1e-14, atol=1e-15)
    np.testing.assert_array_equal(trace.prediction, trace.y[-1])
    dy = rng.normal(size=(4, 2))
    dW_y, db_y, dh = readout_backward(params, trace, dy)
    np.testing.assert_allclose(dW_y, dy.T @ trace.h, rtol=1e-14)
    np.testing.assert_allclose(db_y, dy.sum(axis=0), rtol=1e-14)
    np.testing.assert_allclose(dh, dy @ params.W_y, rtol=1e-14)
    grads = gru_backward(params, trace, dh)[0]
    np.testing.assert_array_equal(grads.W_y, 0.0)  # the readout is not on the path of dh
    assert set(grads.arrays()) == {"W_x", "W_h", "b_x", "b_h", "W_y", "b_y"}


def test_torch_layout_round_trip_and_missing_biases():
    params = GRUParams.random(3, 2, seed=1)
    back = GRUParams.from_torch(**params.to_torch())
    for n, a in params.arrays().items():
        np.testing.assert_array_equal(getattr(back, n), a, err_msg=n)
    no_bias = GRUParams.from_torch(params.W_x, params.W_h)
    np.testing.assert_array_equal(no_bias.b_x, 0.0)
    np.testing.assert_array_equal(no_bias.b_h, 0.0)


def test_gate_views_follow_torch_order():
    params = GRUParams.random(1, 2, seed=0)
    W_x, W_h, b_x, b_h = params.gate("n")
    np.testing.assert_array_equal(b_h, params.b_h[4:6])  # rows 2H..3H are n
    b_x[:] = 7.0
    np.testing.assert_array_equal(params.b_x[4:6], 7.0)  # a view, writing changes the params


def test_params_helpers():
    params = GRUParams.random(2, 3, 1, seed=4)
    assert (params.input_size, params.hidden_size, params.output_size) == (2, 3, 1)
    assert params.W_x.shape == (9, 2) and params.W_h.shape == (9, 3) and params.b_x.shape == params.b_h.shape == (9,)
    for a in params.arrays().values():
        assert np.all(np.abs(a) <= 1 / np.sqrt(3))
    assert not np.array_equal(params.b_x, params.b_h)  # two separate draws
    again = GRUParams.random(2, 3, 1, seed=4)
    for n, a in params.arrays().items():
        np.testing.assert_array_equal(a, again.arrays()[n])
    other = GRUParams.random(2, 3, 1, seed=5)
    assert not np.array_equal(other.W_x, params.W_x)
    copy = params.copy()
    copy.b_h[0] += 1.0
    assert copy.b_h[0] != params.b_h[0]
    assert all(np.all(a == 0) for a in params.zeros_like().arrays().values())
    assert set(GRUParams.random(1, 2).arrays()) == {"W_x", "W_h", "b_x", "b_h"}
    assert repr(params) == "GRUParams(D=2, H=3, O=1)"


def test_lstm_and_rnn_random_draws_did_not_change():
    # LayerArrays._random now draws the names of NAMES; for W_x, W_h, b it must be the same draw
    # as before, in the same order (the lessons' seeded examples depend on it)
    rng = np.random.default_rng(9)
    k = 1 / np.sqrt(2)
    W_x, W_h, b = rng.uniform(-k, k, (8, 3)), rng.uniform(-k, k, (8, 2)), rng.uniform(-k, k, 8)
    params = LSTMParams.random(3, 2, seed=9)
    np.testing.assert_array_equal(params.W_x, W_x)
    np.testing.assert_array_equal(params.W_h, W_h)
    np.testing.assert_array_equal(params.b, b)


def test_shapes_follow_the_input():
    params = GRUParams.random(1, 2, seed=0)
    t1 = gru_forward(params, [1.0, 2.0, 3.0])  # (T,) when D == 1
    assert isinstance(t1, GRUTrace) and t1.h.shape == (3, 2) and t1.initial_h.shape == (2,) and t1.T == 3
    tb = gru_forward(params, np.ones((3, 4, 1)), h0=[0.1, 0.2])  # (H,) h0 shared by the batch
    assert tb.h.shape == (3, 4, 2) and tb.x.shape == (3, 4, 1)
    np.testing.assert_array_equal(tb.initial_h, np.tile([0.1, 0.2], (4, 1)))
    # each sequence of a batch is the same as run alone
    xs = np.random.default_rng(0).normal(size=(5, 3, 1))
    batch = gru_forward(params, xs)
    for b in range(3):
        np.testing.assert_allclose(batch.h[:, b], gru_forward(params, xs[:, b]).h, rtol=0, atol=1e-15)


# --- bad input: the same clear errors as the LSTM ---------------------------------------------

H, D, T = 2, 1, 3


def gru(**extra):
    base = dict(W_x=np.full((3 * H, D), 0.1), W_h=np.full((3 * H, H), 0.2), b_x=np.zeros(3 * H), b_h=np.zeros(3 * H))
    base.update(extra)
    return GRUParams(**base)


def m(text):
    return re.escape(text)


BAD = [
    pytest.param(lambda: gru(W_x=np.zeros((7, 1))), ValueError, m("W_x: expected shape (6, any), got (7, 1)"),
                 id="W_x"),
    pytest.param(lambda: gru(W_h=np.zeros((8, 2))), ValueError, m("W_h: expected shape (3H, H), got (8, 2)"), id="W_h"),
    pytest.param(lambda: gru(W_h=np.zeros((0, 0)), W_x=np.zeros((0, 1)), b_x=[], b_h=[]), ValueError,
                 m("W_h: expected at least one hidden unit (H >= 1)"), id="H-0"),
    pytest.param(lambda: gru(W_x=np.zeros((6, 0))), ValueError, m("W_x: expected at least one input column"), id="D-0"),
    pytest.param(lambda: gru(b_x=np.zeros(8)), ValueError, m("b_x: expected shape (6,), got (8,)"), id="b_x"),
    pytest.param(lambda: gru(b_h=np.zeros(4)), ValueError, m("b_h: expected shape (6,), got (4,)"), id="b_h"),
    pytest.param(lambda: gru(W_y=np.zeros((1, 3))), ValueError, m("W_y: expected shape (any, 2), got (1, 3)"),
                 id="W_y"),
    pytest.param(lambda: gru(b_y=np.zeros(1)), ValueError, m("b_y: given without W_y"), id="b_y-without-W_y"),
    pytest.param(lambda: gru(b_h=[0, 0, np.nan, 0, 0, 0]), ValueError, m("b_h: contains NaN or inf"), id="nan-b_h"),
    pytest.param(lambda: gru(W_x="weights"), TypeError, m("W_x: expected numbers, got a string"), id="str-W_x"),
    pytest.param(lambda: gru_forward(gru(), np.zeros((T, 2))), ValueError, m("xs: expected shape (3, 1), got (3, 2)"),
                 id="xs"),
    pytest.param(lambda: gru_forward(gru(), np.zeros((T, 2, 2, 1))), ValueError,
                 m("xs: expected shape (T, 1) or (T, B, 1), got (3, 2, 2, 1)"), id="xs-4d"),
    pytest.param(lambda: gru_forward(gru(), np.zeros((0, 1))), ValueError, m("xs: the sequence is empty (T = 0)"),
                 id="empty"),
    pytest.param(lambda: gru_forward(gru(), np.zeros((T, 0, 1))), ValueError, m("xs: the batch is empty (B = 0)"),
                 id="empty-batch"),
    pytest.param(lambda: gru_forward(gru(), [[1.0], [np.inf], [2.0]]), ValueError, m("xs: contains NaN or inf"),
                 id="inf-xs"),
    pytest.param(lambda: gru_forward(gru(), "1 2 3"), TypeError, m("xs: expected numbers, got a string"), id="str-xs"),
    pytest.param(lambda: gru_forward(gru(), np.zeros((T, 1)), h0=np.zeros(3)), ValueError,
                 m("h0: expected shape (2,), got (3,)"), id="h0"),
    pytest.param(lambda: gru_forward(gru(), np.zeros((T, 4, 1)), h0=np.zeros((3, 2))), ValueError,
                 m("h0: expected shape (4, 2), got (3, 2)"), id="h0-batched"),
    pytest.param(lambda: gru_forward(LSTMParams.random(1, 2), np.zeros((T, 1))), TypeError,
                 m("params: expected GRUParams, got LSTMParams"), id="lstm-params"),
    pytest.param(lambda: gru_backward(gru(), gru_forward(gru(), np.zeros((T, 1))), np.zeros((T, 3))), ValueError,
                 m("dh: expected shape (3, 2), got (3, 3)"), id="dh"),
    pytest.param(lambda: gru_backward(gru(), forward(LSTMParams.random(1, 2), np.zeros((T, 1))), np.zeros((T, 2))),
                 TypeError, m("trace: expected the GRUTrace of gru_forward, got Trace"), id="lstm-trace"),
    pytest.param(lambda: gru().gate("g"), ValueError, m("gate: expected one of ('r', 'z', 'n'), got 'g'"), id="gate"),
    pytest.param(lambda: GRUParams.from_torch(np.zeros((6, 1)), np.zeros((6, 2)), np.zeros(5)), ValueError,
                 m("bias_ih: expected shape (6,), got (5,)"), id="from_torch-bias"),
    pytest.param(lambda: GRUParams.random(1, 2, seed=-1), ValueError, m("seed: expected at least 0, got -1"),
                 id="seed"),
    pytest.param(lambda: GRUParams.random(1, 2.5), TypeError, m("hidden_size: expected a whole number, got 2.5"),
                 id="hidden-size"),
]


@pytest.mark.parametrize("call, error, fragment", BAD)
def test_bad_input_is_refused_clearly(call, error, fragment):
    with pytest.raises(error, match=fragment) as info:
        call()
    assert type(info.value) is error


def test_saturated_gates_give_exact_limits_without_warnings():
    # pre-activations of ±1000: σ's e^(-v) overflows to inf for v < -709, which is σ = 0 exactly (no warning,
    # and the tests turn warnings into errors); x = -1 gives r = z = 0, n = -1, so h = n = -1; then x = +1
    # gives z = 1, so h keeps -1
    params = GRUParams(W_x=np.full((3, 1), 1000.0), W_h=np.ones((3, 1)), b_x=np.zeros(3), b_h=np.zeros(3))
    trace = gru_forward(params, [-1.0, 1.0])
    np.testing.assert_array_equal(trace.r[0], 0.0)
    np.testing.assert_array_equal(trace.z[:, 0], [0.0, 1.0])
    np.testing.assert_array_equal(trace.h[:, 0], [-1.0, -1.0])
