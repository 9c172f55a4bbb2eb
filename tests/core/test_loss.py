"""lstm_core.loss: the MSE of the last readout, by hand, and all its gradients against central differences."""

import numpy as np
import pytest

from lstm_core import LSTMParams, RNNParams
from lstm_core.loss import loss_and_grads, mse_loss

from helpers.fd import assert_gradient_close, central_difference

# Distinct, non-zero per-gate bias offsets: a gate-order mix-up in the gradients shows.
GATE_OFFSETS = {"i": 0.3, "f": 1.0, "g": -0.4, "o": 0.6}


def lstm(D=2, H=3, O=2, seed=0):
    rng = np.random.default_rng(seed)
    b = np.concatenate([off + 0.2 * rng.normal(size=H) for off in GATE_OFFSETS.values()])
    return LSTMParams(
        W_x=0.5 * rng.normal(size=(4 * H, D)),
        W_h=0.5 * rng.normal(size=(4 * H, H)),
        b=b,
        W_y=rng.normal(size=(O, H)),
        b_y=rng.normal(size=O),
    )


def central_differences(loss, params, eps=1e-5):
    """dL/d(every entry of every array) by (L(θ + ε) - L(θ - ε)) / 2ε (tests/helpers/fd.py, not taken from the code)."""
    return {name: central_difference(loss, arr, eps) for name, arr in params.arrays().items()}


def assert_close_relative(analytic, numeric, rtol=1e-6):
    """Each array agrees to ``rtol`` relative to its largest entry."""
    for name, num in numeric.items():
        assert np.max(np.abs(num)) > 1e-6, f"{name}: a zero gradient checks nothing"
        assert_gradient_close(getattr(analytic, name), num, name, rtol)


# --- hand-computed losses --------------------------------------------------------------


def test_loss_is_the_mean_over_batch_and_outputs():
    # W_x = W_h = 0, b = 0: g = tanh(0) = 0 and c0 = 0, so c = h = 0 and y_T = b_y exactly.
    H = 1
    params = LSTMParams(W_x=np.zeros((4 * H, 1)), W_h=np.zeros((4 * H, H)), b=np.zeros(4 * H),
                        W_y=np.zeros((2, H)), b_y=[1.0, 2.0])
    xs = np.ones((3, 2, 1))  # (T, B, D), B = 2
    targets = [[0.0, 0.0], [1.0, 4.0]]
    # errors (1, 2) and (0, -2): squares 1, 4, 0, 4, mean over the 4 numbers = 9 / 4
    loss, trace = mse_loss(params, xs, targets)
    assert loss == pytest.approx(9 / 4, rel=1e-15)
    assert trace.prediction.shape == (2, 2)


def test_loss_of_one_sequence_by_hand():
    # b = 0 gives i = f = o = σ(0) = 1/2 and g = 0; with c0 = 2 ln 2, c_1 = ln 2, and
    # tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 0.6, so h_1 = 0.3 and y_1 = 10 * 0.3 = 3.
    params = LSTMParams(W_x=np.zeros((4, 1)), W_h=np.zeros((4, 1)), b=np.zeros(4), W_y=[[10.0]], b_y=[0.0])
    loss, trace = mse_loss(params, [0.0], 4.0, c0=[2 * np.log(2)])
    assert trace.prediction[0] == pytest.approx(3.0, rel=1e-14)
    assert loss == pytest.approx(1.0, rel=1e-13)  # (3 - 4)²


def test_only_the_last_step_counts():
    params = lstm()
    xs = np.random.default_rng(1).normal(size=(4, 2))
    target = np.array([0.5, -0.5])
    loss, trace = mse_loss(params, xs, target)
    assert loss == pytest.approx(np.mean((trace.y[-1] - target) ** 2), rel=1e-15)
    assert loss != pytest.approx(np.mean((trace.y - target) ** 2))


# --- gradients against central differences -----------------------------------------------


@pytest.mark.parametrize("batched", [False, True], ids=["one sequence", "batch of 3"])
def test_every_gradient_matches_central_differences(batched):
    rng = np.random.default_rng(7)
    params = lstm(D=2, H=3, O=2)
    T, B = 4, 3
    if batched:
        xs, targets = rng.normal(size=(T, B, 2)), rng.normal(size=(B, 2))
        h0, c0 = 0.5 * rng.normal(size=(B, 3)), 0.5 * rng.normal(size=(B, 3))
    else:
        xs, targets = rng.normal(size=(T, 2)), rng.normal(size=2)
        h0, c0 = 0.5 * rng.normal(size=3), 0.5 * rng.normal(size=3)

    loss, grads, _ = loss_and_grads(params, xs, targets, h0=h0, c0=c0)
    assert loss == mse_loss(params, xs, targets, h0=h0, c0=c0)[0]
    assert set(grads.arrays()) == {"W_x", "W_h", "b", "W_y", "b_y"}
    numeric = central_differences(lambda: mse_loss(params, xs, targets, h0=h0, c0=c0)[0], params)
    assert_close_relative(grads, numeric)


def test_the_rnn_shares_the_loss_and_its_gradients_match_central_differences():
    rng = np.random.default_rng(3)
    params = RNNParams(W_x=rng.normal(size=(3, 2)), W_h=0.5 * rng.normal(size=(3, 3)), b=rng.normal(size=3),
                       W_y=rng.normal(size=(2, 3)), b_y=rng.normal(size=2))
    xs, targets, h0 = rng.normal(size=(5, 2, 2)), rng.normal(size=(2, 2)), rng.normal(size=(2, 3))
    _, grads, _ = loss_and_grads(params, xs, targets, h0=h0)
    assert isinstance(grads, RNNParams)
    numeric = central_differences(lambda: mse_loss(params, xs, targets, h0=h0)[0], params)
    assert_close_relative(grads, numeric)


def test_the_input_params_are_not_changed():
    params = lstm()
    before = {n: a.copy() for n, a in params.arrays().items()}
    loss_and_grads(params, np.ones((3, 2)), [1.0, 2.0])
    for n, a in params.arrays().items():
        np.testing.assert_array_equal(a, before[n])


# --- bad input ------------------------------------------------------------------------


def test_params_without_readout_are_refused():
    params = LSTMParams.random(1, 2)
    with pytest.raises(ValueError, match="readout"):
        mse_loss(params, [1.0, 2.0, 3.0], [4.0])
    with pytest.raises(ValueError, match="readout"):
        loss_and_grads(params, [1.0, 2.0, 3.0], [4.0])


@pytest.mark.parametrize(
    "xs, targets",
    [
        (np.ones((3, 2)), [1.0]),  # O = 2, one target
        (np.ones((3, 2)), [[1.0, 2.0]]),  # a batch of targets for one sequence
        (np.ones((3, 4, 2)), [1.0, 2.0]),  # a batch needs (B, O)
        (np.ones((3, 4, 2)), np.ones((3, 2))),  # B = 4, not 3
    ],
)
def test_targets_of_the_wrong_shape_are_refused(xs, targets):
    with pytest.raises(ValueError, match="targets: expected shape"):
        mse_loss(lstm(), xs, targets)


def test_text_targets_and_foreign_params_are_type_errors():
    with pytest.raises(TypeError, match="targets"):
        mse_loss(lstm(), np.ones((3, 2)), ["a", "b"])
    with pytest.raises(TypeError, match="params"):
        mse_loss(object(), np.ones((3, 2)), [1.0, 2.0])


def test_an_rnn_has_no_c0():
    params = RNNParams.random(1, 2, 1)
    with pytest.raises(ValueError, match="c0"):
        mse_loss(params, [1.0, 2.0], [3.0], c0=[0.0, 0.0])
