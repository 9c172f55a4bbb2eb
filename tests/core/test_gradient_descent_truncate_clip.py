"""lstm_core.gradient_descent: truncated BPTT against central differences of the truncated objective, clipping's bound
on an SGD update by hand, and GRUs in the loss and in training."""

import numpy as np
import pytest

from lstm_core import GRUParams, LSTMParams, RNNParams, forward, gru_forward, rnn_forward
from lstm_core.loss import loss_and_grads, mse_loss
from lstm_core.gradient_descent import train, truncated_loss_and_grads

from helpers.fd import central_difference

EPS = 1e-6


def one_step(params, x, state):
    """One step of any model with the forward passes (T = 1): (h, c) -> (h', c'); c is None but for the LSTM."""
    h, c = state
    if isinstance(params, LSTMParams):
        trace = forward(params, x[None], h0=h, c0=c)
        return trace.h[-1], trace.c[-1]
    run = rnn_forward if isinstance(params, RNNParams) else gru_forward
    return run(params, x[None], h0=h).h[-1], None


def untied_loss(early, late, xs, ys, K):
    """The loss with the weights ``early`` at steps 1 .. T-K and ``late`` at the last K steps (and the readout).

    Its gradient with respect to ``late`` is the truncated-BPTT gradient: the weights' effect through the
    last K steps only, the state reached after step T-K held as it is (it depends on ``early`` alone).
    """
    T, B = xs.shape[0], xs.shape[1]
    H = early.hidden_size
    state = (np.zeros((B, H)), np.zeros((B, H)) if isinstance(early, LSTMParams) else None)
    for t in range(T):
        state = one_step(early if t < T - K else late, xs[t], state)
    y = state[0] @ late.W_y.T + late.b_y  # (B, O)
    return float(np.mean((y - ys) ** 2))


def model(kind, seed=0):
    rng = np.random.default_rng(seed)
    H, D, O = 3, 2, 1
    G = {"lstm": 4, "rnn": 1, "gru": 3}[kind]
    common = dict(W_x=rng.normal(0, 0.6, (G * H, D)), W_h=rng.normal(0, 0.6, (G * H, H)),
                  W_y=rng.normal(size=(O, H)), b_y=rng.normal(size=O))
    if kind == "gru":
        return GRUParams(b_x=rng.normal(0, 0.5, G * H), b_h=rng.normal(0, 0.5, G * H), **common)
    cls = LSTMParams if kind == "lstm" else RNNParams
    return cls(b=rng.normal(0, 0.5, G * H), **common)


@pytest.mark.parametrize("kind", ["lstm", "rnn", "gru"])
@pytest.mark.parametrize("K", [1, 3])
def test_truncated_gradient_matches_central_differences_of_the_truncated_objective(kind, K):
    rng = np.random.default_rng(7)
    params = model(kind)
    xs, ys = rng.normal(size=(6, 2, 2)), rng.normal(size=(2, 1))
    loss, grads = truncated_loss_and_grads(params, xs, ys, K)
    assert loss == pytest.approx(mse_loss(params, xs, ys)[0], rel=1e-13)  # the loss itself is not cut
    late = params.copy()
    for name, arr in late.arrays().items():
        numeric = central_difference(lambda: untied_loss(params, late, xs, ys, K), arr, EPS)
        np.testing.assert_allclose(getattr(grads, name), numeric, rtol=1e-6, atol=1e-8, err_msg=name)
    # and it is not the full gradient: the steps before T - K do contribute to that one
    full = loss_and_grads(params, xs, ys)[1]
    assert not np.allclose(full.W_h, grads.W_h, rtol=1e-3, atol=0)


def test_untied_loss_with_every_step_late_is_full_bptt():
    # the helper above is right: K = T makes the untied gradient the full one
    rng = np.random.default_rng(8)
    params = model("lstm", seed=1)
    xs, ys = rng.normal(size=(4, 2, 2)), rng.normal(size=(2, 1))
    late = params.copy()
    full = loss_and_grads(params, xs, ys)[1]
    numeric = central_difference(lambda: untied_loss(params, late, xs, ys, 4), late.W_h, EPS)
    np.testing.assert_allclose(full.W_h, numeric, rtol=1e-6, atol=1e-8)


def test_truncating_at_T_or_more_is_full_bptt():
    params = model("lstm")
    xs, ys = np.random.default_rng(0).normal(size=(5, 2, 2)), np.ones((2, 1))
    loss, grads, _ = loss_and_grads(params, xs, ys)
    for K in (5, 9):
        loss_K, grads_K = truncated_loss_and_grads(params, xs, ys, K)
        assert loss_K == loss
        for name, arr in grads.arrays().items():
            np.testing.assert_array_equal(getattr(grads_K, name), arr)
    a = train(params, xs, ys, steps=5, truncate=5)[1].loss
    b = train(params, xs, ys, steps=5)[1].loss
    assert a == b


def test_truncated_training_runs_and_differs_from_full():
    params = model("gru")
    xs, ys = np.random.default_rng(1).normal(size=(8, 4, 2)), np.ones((4, 1))
    cut = train(params, xs, ys, steps=20, lr=0.05, truncate=2)[0]
    full = train(params, xs, ys, steps=20, lr=0.05)[0]
    assert not np.allclose(cut.W_h, full.W_h)
    with pytest.raises(ValueError, match="truncate: expected at least 1, got 0"):
        train(params, xs, ys, steps=1, truncate=0)
    with pytest.raises(TypeError, match="truncate: expected a whole number"):
        train(params, xs, ys, steps=1, truncate=2.5)


# --- clipping bounds an SGD step, by hand -------------------------------------------------------


def zero_lstm(w):
    """H = D = O = 1, every gate weight and bias 0, readout weight w and bias 0.

    Then i = f = o = σ(0) = 1/2 and g = tanh(0) = 0, so c_1 = 0, h_1 = 0 and y = b_y = 0. With a target
    t, L = (y - t)² and e = y - t = -t:  dL/db_y = 2e,  dL/dW_y = 2e h = 0,  dL/dh = 2e w,
    dL/dc = dL/dh o (1 - tanh² c) = e w,  dL/dg = dL/dc i = e w / 2,  dL/dz_g = dL/dg (1 - g²) = e w / 2,
    so dL/db_g = e w / 2 and dL/dW_xg = e w x / 2; every other gradient is 0 (they multiply g, c_0,
    tanh(c) or h_0, all 0).
    """
    return LSTMParams(W_x=np.zeros((4, 1)), W_h=np.zeros((4, 1)), b=np.zeros(4), W_y=[[w]], b_y=[0.0])


def test_clipping_bounds_an_sgd_update_by_hand():
    w, x, target, lr = 3.0, 1.0, 50.0, 0.1
    e = -target
    g_by, g_bg, g_Wxg = 2 * e, e * w / 2, e * w * x / 2  # -100, -75, -75
    norm = np.sqrt(g_by**2 + g_bg**2 + g_Wxg**2)  # sqrt(21250) ≈ 145.8
    params = zero_lstm(w)
    for clip, scale in ((None, 1.0), (1.0, 1.0 / norm), (1000.0, 1.0)):
        learned = train(params, [x], [target], steps=1, lr=lr, clip=clip, optimizer="sgd")[0]
        step = {n: a - params.arrays()[n] for n, a in learned.arrays().items()}
        assert step["b_y"][0] == pytest.approx(-lr * scale * g_by, rel=1e-12)
        assert step["b"][2] == pytest.approx(-lr * scale * g_bg, rel=1e-12)  # the g block, third of i, f, g, o
        assert step["W_x"][2, 0] == pytest.approx(-lr * scale * g_Wxg, rel=1e-12)
        np.testing.assert_array_equal(np.delete(step["b"], 2), 0.0)
        np.testing.assert_array_equal(step["W_h"], 0.0)
        size = np.sqrt(sum(np.sum(d**2) for d in step.values()))
        assert size == pytest.approx(lr * min(norm, clip or np.inf), rel=1e-12)


def test_bad_optimizer_is_refused():
    with pytest.raises(ValueError, match="optimizer: expected one of"):
        train(zero_lstm(1.0), [1.0], [1.0], steps=1, optimizer="rmsprop")


# --- the GRU in the loss and in training --------------------------------------------------------


def test_gru_loss_gradients_match_central_differences():
    rng = np.random.default_rng(4)
    params = model("gru", seed=2)
    xs, ys, h0 = rng.normal(size=(5, 2, 2)), rng.normal(size=(2, 1)), rng.normal(size=(2, 3))
    _, grads, trace = loss_and_grads(params, xs, ys, h0=h0)
    assert isinstance(grads, GRUParams)
    for name, arr in params.arrays().items():
        numeric = central_difference(lambda: mse_loss(params, xs, ys, h0=h0)[0], arr, EPS)
        np.testing.assert_allclose(getattr(grads, name), numeric, rtol=1e-6, atol=1e-9, err_msg=name)
    with pytest.raises(ValueError, match="c0: a GRU has no cell state"):
        mse_loss(params, xs, ys, c0=np.zeros((2, 3)))


def test_a_gru_trains():
    params = GRUParams.random(1, 4, 1, seed=0)
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(5, 8, 1))
    ys = xs[0]  # remember the first input
    history = train(params, xs, ys, steps=80, lr=0.05)[1]
    assert history.final_loss < history.loss[0] / 5
