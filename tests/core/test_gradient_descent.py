"""lstm_core.gradient_descent (``train``) and lstm_core.tasks: the lessons' training runs reach what they promise."""

import copy

import numpy as np
import pytest

from lstm_core import LSTMParams, RNNParams
from lstm_core.examples import EXPECTED_NEXT, SEQUENCE, vector_example
from lstm_core.loss import loss_and_grads, mse_loss
from lstm_core.tasks import (
    COUNT_TASK,
    COUNT_TRAINING,
    SINE_MODEL,
    SINE_TASK,
    SINE_TRAINING,
    counting,
    remember_first,
    sine,
)
from lstm_core.gradient_descent import clip_by_global_norm, global_norm, train, with_forget_bias


def assert_same_params(a, b):
    assert set(a.arrays()) == set(b.arrays())
    for name, arr in a.arrays().items():
        np.testing.assert_array_equal(arr, b.arrays()[name], err_msg=name)


def small_problem(seed=0):
    params = LSTMParams.random(1, 3, 1, seed=seed)
    xs, ys = sine(6, length=5, seed=seed)
    return params, xs, ys


# --- the lessons' runs --------------------------------------------------------------------


@pytest.fixture(scope="module")
def counted():
    params, _ = vector_example()
    start = copy.deepcopy(params)
    xs, ys = counting(**COUNT_TASK)
    learned, history = train(params, xs, ys, **COUNT_TRAINING)
    return params, start, learned, history


def test_the_vector_example_learns_that_1_2_3_is_followed_by_4(counted):
    _, _, learned, _ = counted
    prediction = mse_loss(learned, np.array(SEQUENCE, dtype=float), [EXPECTED_NEXT])[1].prediction[0]
    assert abs(prediction - 4.0) < 0.05


def test_counting_training_leaves_the_worked_example_untouched_and_learns_new_weights(counted):
    params, start, learned, history = counted
    assert_same_params(params, start)
    assert learned is not params
    assert learned.hidden_size == 2
    for name in ("W_x", "W_h", "b", "W_y", "b_y"):
        assert not np.array_equal(getattr(learned, name), getattr(start, name)), name
    assert len(history.loss) == COUNT_TRAINING["steps"] and not history.stopped_early
    assert history.final_loss < history.loss[0] / 100


def test_a_fresh_lstm_learns_to_continue_a_sine_wave():
    params = LSTMParams.random(**SINE_MODEL)
    learned, history = train(params, *sine(**SINE_TASK), **SINE_TRAINING)
    assert history.final_loss < 1e-3
    # and on phases it never saw
    assert mse_loss(learned, *sine(200, SINE_TASK["length"], seed=12345, step=SINE_TASK["step"]))[0] < 1e-3


def test_adam_steps_follow_the_equations():
    # Adam's first step is lr * g / (|g| + ε) ≈ lr * sign(g): the bias corrections undo β1, β2.
    params, xs, ys = small_problem()
    lr = 0.01
    one = train(params, xs, ys, steps=1, lr=lr)[0]
    _, g1, _ = loss_and_grads(params, xs, ys)
    for name, theta in params.arrays().items():
        g = getattr(g1, name)
        np.testing.assert_allclose(getattr(one, name), theta - lr * g / (np.abs(g) + 1e-8), rtol=0, atol=1e-15)
    # the second step, written out from the equations of the train module's docstring
    two = train(params, xs, ys, steps=2, lr=lr)[0]
    _, g2, _ = loss_and_grads(one, xs, ys)
    for name, theta in one.arrays().items():
        a, b = getattr(g1, name), getattr(g2, name)
        m = 0.9 * (0.1 * a) + 0.1 * b
        v = 0.999 * (0.001 * a * a) + 0.001 * b * b
        want = theta - lr * (m / (1 - 0.9**2)) / (np.sqrt(v / (1 - 0.999**2)) + 1e-8)
        np.testing.assert_allclose(getattr(two, name), want, rtol=0, atol=1e-14)


# --- reproducibility, copies, callback ------------------------------------------------------


def test_same_seed_same_history_bit_for_bit():
    params, xs, ys = small_problem()
    for batch_size in (None, 2):
        a = train(params, xs, ys, steps=30, lr=0.05, seed=3, batch_size=batch_size)
        b = train(params, xs, ys, steps=30, lr=0.05, seed=3, batch_size=batch_size)
        assert a[1].loss == b[1].loss
        assert_same_params(a[0], b[0])


def test_the_seed_orders_the_minibatches():
    params, xs, ys = small_problem()
    a = train(params, xs, ys, steps=10, lr=0.05, seed=0, batch_size=2)[1].loss
    b = train(params, xs, ys, steps=10, lr=0.05, seed=1, batch_size=2)[1].loss
    assert a != b


def test_the_loss_goes_down():
    params, xs, ys = small_problem()
    history = train(params, xs, ys, steps=100, lr=0.05)[1]
    assert history.final_loss < history.loss[0] / 10
    assert history.loss[0] == mse_loss(params, xs, ys)[0]


def test_callback_sees_step_loss_params_and_stops_early():
    params, xs, ys = small_problem()
    calls = []

    def callback(step, loss, seen):
        calls.append((step, loss, seen))
        return step == 4

    learned, history = train(params, xs, ys, steps=50, lr=0.05, callback=callback)
    assert [c[0] for c in calls] == [0, 1, 2, 3, 4]
    assert [c[1] for c in calls] == history.loss
    assert history.stopped_early and len(history.loss) == 5
    for step, loss, seen in calls:
        assert isinstance(seen, LSTMParams)
        assert mse_loss(seen, xs, ys)[0] == loss  # the params whose loss it is
    assert calls[0][2] is not calls[1][2]
    assert_same_params(learned, calls[-1][2])
    assert history.final_loss == history.loss[-1]


def test_falsy_callback_runs_every_step():
    params, xs, ys = small_problem()
    history = train(params, xs, ys, steps=7, lr=0.05, callback=lambda *args: None)[1]
    assert len(history.loss) == 7 and not history.stopped_early


def test_zero_steps_returns_a_copy():
    params, xs, ys = small_problem()
    learned, history = train(params, xs, ys, steps=0)
    assert learned is not params
    assert_same_params(learned, params)
    assert history.loss == [] and history.final_loss == mse_loss(params, xs, ys)[0]


# --- forget bias and clipping -----------------------------------------------------------


def test_forget_bias_sets_the_f_block_only():
    params, xs, ys = small_problem()
    start = copy.deepcopy(params)
    learned, _ = train(params, xs, ys, steps=0, forget_bias=1.0)
    H = params.hidden_size
    np.testing.assert_array_equal(learned.b[H : 2 * H], 1.0)  # the f block, second in i, f, g, o
    np.testing.assert_array_equal(np.delete(learned.b, np.s_[H : 2 * H]), np.delete(start.b, np.s_[H : 2 * H]))
    assert_same_params(params, start)
    np.testing.assert_array_equal(with_forget_bias(params, [1.0, 2.0, 3.0]).gate("f")[2], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="forget_bias"):
        with_forget_bias(params, [1.0, 2.0])
    with pytest.raises(TypeError, match="forget gate"):
        with_forget_bias(RNNParams.random(1, 2, 1), 1.0)


def test_global_norm_and_clipping_by_hand():
    grads = LSTMParams(W_x=np.zeros((4, 1)), W_h=np.zeros((4, 1)), b=[3e200, 0.0, 0.0, 0.0], W_y=[[4e200]], b_y=[0.0])
    # ‖(3, 4)‖ = 5, at a scale where squaring would overflow
    assert global_norm(grads) == pytest.approx(5e200, rel=1e-15)
    assert clip_by_global_norm(grads, 1.0) == pytest.approx(5e200, rel=1e-15)
    np.testing.assert_allclose(grads.b, [0.6, 0, 0, 0], rtol=1e-15)
    np.testing.assert_allclose(grads.W_y, [[0.8]], rtol=1e-15)
    small = LSTMParams(W_x=np.zeros((4, 1)), W_h=np.zeros((4, 1)), b=[0.3, 0.0, 0.0, 0.0])
    clip_by_global_norm(small, 1.0)
    np.testing.assert_array_equal(small.b, [0.3, 0, 0, 0])  # under the bound: untouched


def huge_gradient_problem():
    # y_T ~ 1e100 against a target of 0: dL/dh ~ 1e200, so ∇² overflows without clipping
    params = LSTMParams.random(1, 2, 1, seed=0)
    params.W_y[:] = 1e100
    return params, np.ones((3, 1)), [0.0]


def test_clipping_keeps_a_huge_gradient_finite():
    params, xs, ys = huge_gradient_problem()
    learned, history = train(params, xs, ys, steps=5, lr=0.01, clip=1.0)
    assert np.all(np.isfinite(history.loss))
    assert all(np.all(np.isfinite(a)) for a in learned.arrays().values())
    # Adam moves each entry by about lr: clipped, nothing jumps
    assert np.max(np.abs(learned.W_x - params.W_x)) < 0.1


def test_the_huge_gradient_case_overflows_without_clipping():
    params, xs, ys = huge_gradient_problem()
    with pytest.warns(RuntimeWarning, match="overflow"):
        train(params, xs, ys, steps=1, lr=0.01)


# --- other models and bad input ---------------------------------------------------------


def test_an_rnn_trains_too():
    params = RNNParams.random(1, 4, 1, seed=0)
    xs, ys = sine(8, length=5, seed=0)
    history = train(params, xs, ys, steps=60, lr=0.05)[1]
    assert history.final_loss < history.loss[0] / 5


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(lr=-0.1), ValueError, "lr"),
        (dict(lr="fast"), TypeError, "lr"),
        (dict(steps=2.5), TypeError, "steps"),
        (dict(steps=-1), ValueError, "steps"),
        (dict(clip=0.0), ValueError, "clip"),
        (dict(seed=-1), ValueError, "seed"),
        (dict(batch_size=0), ValueError, "batch_size"),
    ],
)
def test_bad_settings_are_refused(kwargs, error, match):
    params, xs, ys = small_problem()
    with pytest.raises(error, match=match):
        train(params, xs, ys, **{"steps": 1, **kwargs})


def test_params_without_readout_are_refused():
    with pytest.raises(ValueError, match="readout"):
        train(LSTMParams.random(1, 2), *sine(4, length=3), steps=1)


# --- the tasks ---------------------------------------------------------------------------


def test_counting_holds_the_worked_example_first():
    xs, ys = counting(**COUNT_TASK)
    B = COUNT_TASK["n_sequences"]
    assert xs.shape == (3, B, 1) and ys.shape == (B, 1)
    np.testing.assert_array_equal(xs[:, 0, 0], [1.0, 2.0, 3.0])
    assert ys[0, 0] == 4.0
    # every sequence counts by a constant step of 1 or 2 from a start in 1..6, and no two are the same
    steps = np.diff(np.concatenate([xs[:, :, 0], ys.T]), axis=0)  # (3, B)
    np.testing.assert_array_equal(steps, np.broadcast_to(steps[0], steps.shape))
    assert set(steps[0]) == {1.0, 2.0}
    assert set(xs[0, :, 0]) <= {1.0, 2.0, 3.0, 4.0, 5.0, 6.0}
    assert len({tuple(xs[:, b, 0]) for b in range(B)}) == B


def test_counting_options():
    xs, ys = counting(50, length=4, start_range=(0, 9), step_range=(2, 3), seed=1, scale=0.1)
    steps = np.diff(np.concatenate([xs[:, :, 0], ys.T]), axis=0)  # (4, 50)
    assert np.allclose(steps, steps[0]) and set(np.round(steps[0, 1:], 12)) == {0.2, 0.3}
    assert xs[0, 0, 0] == pytest.approx(0.1) and ys[0, 0] == pytest.approx(0.5)
    xs2, _ = counting(50, length=4, start_range=(0, 9), step_range=(2, 3), seed=1, scale=0.1)
    np.testing.assert_array_equal(xs, xs2)
    assert not np.array_equal(xs, counting(50, length=4, start_range=(0, 9), step_range=(2, 3), seed=2, scale=0.1)[0])
    with pytest.raises(ValueError, match="start_range"):
        counting(5, start_range=(5, 1))
    with pytest.raises(ValueError, match="step_range"):
        counting(5, step_range=(1.5, 2))


def test_sine_continues_the_wave():
    xs, ys = sine(4, length=6, seed=3, step=0.5, amplitude=2.0)
    assert xs.shape == (6, 4, 1) and ys.shape == (4, 1)
    # x_{t+1} = 2 cos(Δ) x_t - x_{t-1} holds for any sine of step Δ; so does the target
    seq = np.concatenate([xs[:, :, 0], ys.T])  # (7, 4)
    np.testing.assert_allclose(seq[2:], 2 * np.cos(0.5) * seq[1:-1] - seq[:-2], atol=1e-12)
    assert np.all(np.abs(seq) <= 2.0) and np.max(np.abs(seq)) > 1.0


def test_remember_first():
    xs, ys = remember_first(64, gap=10, seed=0)
    assert xs.shape == (11, 64, 1) and ys.shape == (64, 1)
    np.testing.assert_array_equal(xs[0], ys)
    assert set(ys[:, 0]) == {-1.0, 1.0}
    np.testing.assert_array_equal(xs[1:], 0.0)
    noisy, ys2 = remember_first(64, gap=10, seed=0, noise=0.1)
    np.testing.assert_array_equal(ys, ys2)
    assert np.std(noisy[1:]) == pytest.approx(0.1, rel=0.2)
    with pytest.raises(ValueError, match="noise"):
        remember_first(4, gap=3, noise=-1.0)
    with pytest.raises(TypeError, match="gap"):
        remember_first(4, gap=2.5)
