"""The numbers in lessons 00-07's prose, each computed here from lstm_core (or by hand) and compared with the
sentence that states it.

A lesson's printed outputs are checked by nbval; a number written into its Markdown is not, so every such number
that no output right beside it prints is checked here: the test finds the sentence in the stored notebook (white
space and line breaks do not matter) and computes the number it states. A sentence that changes, or a number
that drifts, fails its test.
"""

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

import lstm_core as L
from helpers.reference import sig

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def prose(lesson):
    """The Markdown of a lesson's notebook, white space collapsed, Markdown's quote marks dropped."""
    (path,) = NOTEBOOKS.glob(f"{lesson}_*.ipynb")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    text = re.sub(r"^> ?", "", text, flags=re.M)  # "> **Try this:** ..." blocks break lines with "> "
    return " ".join(text.split())


def says(lesson, sentence):
    """Assert that lesson ``lesson``'s prose contains ``sentence``."""
    assert " ".join(sentence.split()) in prose(lesson), f"lesson {lesson} no longer says: {sentence}"


# ---------------------------------------------------------------------------------------------- lesson 01


def test_01_bias_3_opens_the_gate_at_x_1_from_073_to_098():
    says("01", "at x = 1 the gate goes from 0.73 to 0.98 open")
    assert (f"{sig(1.0 * 1 + 0.0):.2f}", f"{sig(1.0 * 1 + 3.0):.2f}") == ("0.73", "0.98")
    says("01", "(σ(1) ≈ 0.73)")


# ---------------------------------------------------------------------------------------------- lesson 02


def test_02_a_readout_of_46_passes_4():
    from lstm_core.examples import scalar_example

    says("02", "push `W_y` up to 4.6. The prediction passes 4")
    params, xs = scalar_example()
    h_3 = float(L.forward(params, xs).h[-1][0])
    assert 4.0 * h_3 < 4.0 < 4.6 * h_3  # 3.48 with the hand-picked 4, 4.005 with 4.6
    assert 4.5 * h_3 < 4.0  # and 4.6 is about the smallest slider value that does it


# ---------------------------------------------------------------------------------------------- lesson 04


def test_04_gate_values_quoted_in_the_prose():
    says("04", "o_t = σ(1) ≈ 0.73")
    says("04", "tanh(2) ≈ 0.96")
    says("04", "σ(10 − 15) ≈ 0.007")
    assert f"{sig(1.0):.2f}" == "0.73" and f"{math.tanh(2.0):.2f}" == "0.96" and f"{sig(10 - 15):.3f}" == "0.007"


def test_04_rnn_at_u_12_the_question_s_answer_is_not_printed_above_it():
    from lstm_core.lessons.l04_conveyor_belt import conveyor_run

    says("04", "The explorer starts the RNN at u = 0.9, the u of the short run above")
    assert conveyor_run().rnn_params.W_h[0, 0] == 0.9  # the explorer's start, the short run's u
    assert conveyor_run(recurrent=1.2).summaries["rnn_h"].survival is None  # u = 1.2: h holds to the end


# ---------------------------------------------------------------------------------------------- lesson 05


def hand_bptt(params, xs, h0, c0, R, carry=True):
    """dL/dW_x, dL/dW_h, dL/db, dL/dxs, dL/dh0, dL/dc0 of L = sum(h · R), by hand for one sequence; with
    ``carry=False`` the term dc_t · f_t is left out of dc_{t-1} (the slip lesson 05 quotes)."""
    tr = L.forward(params, xs, h0, c0)
    T, H = tr.h.shape
    W_x, W_h = params.W_x, params.W_h
    dW_x, dW_h, db = np.zeros_like(W_x), np.zeros_like(W_h), np.zeros(4 * H)
    dxs, dh_next, dc_next = np.zeros_like(xs), np.zeros(H), np.zeros(H)
    for t in reversed(range(T)):
        i, f, g, o, c = tr.i[t], tr.f[t], tr.g[t], tr.o[t], tr.c[t]
        c_prev = tr.c[t - 1] if t else c0
        h_prev = tr.h[t - 1] if t else h0
        dh = R[t] + dh_next
        dc = dh * o * (1 - np.tanh(c) ** 2) + dc_next
        dz = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g**2),
                             dh * np.tanh(c) * o * (1 - o)])
        dW_x += np.outer(dz, xs[t])
        dW_h += np.outer(dz, h_prev)
        db += dz
        dxs[t] = W_x.T @ dz
        dh_next = W_h.T @ dz
        dc_next = dc * f if carry else np.zeros(H)
    return {"W_x": dW_x, "W_h": dW_h, "b": db, "xs": dxs, "h0": dh_next, "c0": dc_next if carry else dc * 0}


def lesson05_check_case():
    """The gradient check's case, exactly as lesson 05's cell builds it."""
    rng = np.random.default_rng(5)
    H, D, T = 2, 2, 4
    params = L.LSTMParams(W_x=rng.normal(0, 0.6, (4 * H, D)), W_h=rng.normal(0, 0.6, (4 * H, H)),
                          b=[0.3, -0.2, 0.8, 0.5, 0.1, -0.4, 0.6, -0.7])
    xs = rng.normal(0, 1, (T, D))
    h0, c0 = np.array([0.2, -0.3]), np.array([0.5, -0.4])
    R = rng.normal(0, 1, (T, H))
    return params, xs, h0, c0, R


def test_05_a_forgotten_carry_shows_as_relative_errors_from_0006_to_15():
    from lstm_core.gradcheck import gradient_check, relative_error

    says("05", "with the term dc_t · f_t forgotten, this very check reports relative errors from about 0.006 up to "
               "1.5, depending on the entry")
    says("05", "A forgotten dc_t · f_t shows as errors from about 0.006 to 1.5.")
    case = lesson05_check_case()
    right = hand_bptt(*case)
    grads, dxs, dh0, dc0 = L.backward(case[0], L.forward(*case[:4]), case[4])
    for name, ours in (("W_x", grads.W_x), ("W_h", grads.W_h), ("b", grads.b), ("xs", dxs), ("h0", dh0)):
        np.testing.assert_allclose(right[name], ours, rtol=1e-12, atol=1e-15)  # the hand BPTT is right
    broken = hand_bptt(*case, carry=False)
    rows = gradient_check(*case, eps=1e-6)
    errors = [relative_error(float(np.asarray(broken[r.name])[r.index]), r.numeric) for r in rows
              if r.name != "c0"]  # dL/dc_0 arrives only through the carry: without it there is none
    assert f"{min(errors):.3f}" == "0.006" and f"{max(errors):.1f}" == "1.5", (min(errors), max(errors))


def test_05_the_right_gradients_agree_to_1e_10_through_1e_8():
    from lstm_core.gradcheck import gradient_check

    says("05", "The exact relative errors, around 1e-10 to 1e-8, depend on the last bits of floating-point "
               "rounding")
    errors = [r.relative_error for r in gradient_check(*lesson05_check_case(), eps=1e-6)]
    assert 1e-12 < max(errors) < 1e-7 and min(errors) < 1e-9, errors  # far below 1e-6 on any machine


def test_05_the_flow_table_s_prose():
    from lstm_core.lessons.l05_gradients import first_lag_below, flow_run, raise_bf_ratios

    says("05", "Between b_f = 1 and 3 the cell-state gradient 30 steps back grows about 40-fold.")
    mean, per_draw = raise_bf_ratios()
    assert round(mean) == 40 and (round(min(per_draw), 2), round(max(per_draw))) == (0.17, 1095)

    says("05", "Between lag 1 and lag 49 the RNN loses about 18 orders of magnitude at scale 0.5, 10 at scale 1 "
               "and 7 at scale 2: the larger its recurrent weights, the less it loses, yet even at scale 2 its "
               "gradient falls below 1e-6 at lag 40.")
    lost = {}
    for scale in (0.5, 1.0, 2.0):
        dx = flow_run(scale=scale).rnn["dx"]
        lost[scale] = math.log10(dx[1] / dx[49])
    assert {s: round(v) for s, v in lost.items()} == {0.5: 18, 1.0: 10, 2.0: 7}, lost  # 17.7, 10.2, 6.8
    assert first_lag_below(flow_run(scale=2.0).rnn["dx"]) == 40

    says("05", "With b_f = −3 the LSTM's forget gates are nearly shut (σ(−3) ≈ 0.05)")
    assert f"{sig(-3.0):.2f}" == "0.05"


def test_05_the_explorer_s_try_this_numbers():
    from lstm_core.lessons.l05_gradients import first_lag_below, flow_run

    says("05", "Drag `b_f` slowly from 1 down to 0: the orange lines tilt down and ▼ marks appear (about 26 steps "
               "back for ‖∂L/∂x‖).")
    assert first_lag_below(flow_run(forget_bias=0.0).lstm["dx"]) == 26
    assert first_lag_below(flow_run(forget_bias=1.0).lstm["dx"]) is None  # no ▼ at the start
    says("05", "Now drag `b_f` up to 4: the orange lines lift and flatten, with no ▼ at any lag.")
    at4 = flow_run(forget_bias=4.0).lstm
    assert first_lag_below(at4["dx"]) is None and first_lag_below(at4["dc"]) is None

    says("05", "Set `scale` to its minimum, 0.1. The RNN's W_h is now tiny and its gradient falls off the chart "
               "about 11 steps back.")
    small = flow_run(forget_bias=1.0, scale=0.1)
    assert first_lag_below(small.rnn["dx"], 1e-12) == 11  # the chart's bottom edge is 1e-12
    says("05", "every f_t is close to σ(b_f) = σ(1) ≈ 0.73, and each step back multiplies the cell gradient by "
               "about 0.75.")
    dc = small.lstm["dc"]
    assert f"{np.median(dc[2:41] / dc[1:40]):.2f}" == "0.75" and f"{sig(1.0):.2f}" == "0.73"
    says("05", "Raise `b_f` to 8 at this scale: f ≈ 1 and the orange lines no longer fall; they even rise towards "
               "the left, the dashed one to almost twice its value at lag 1.")
    open_ = flow_run(forget_bias=8.0, scale=0.1).lstm
    assert np.all(np.diff(open_["dc"][1:]) > 0) and 1.7 < open_["dc"][49] / open_["dc"][1] < 2.0  # 1.86
    lags = np.arange(1, 50)
    assert np.polyfit(lags, np.log(open_["dx"][1:]), 1)[0] > 0  # the solid line rises too, with some wiggle
    assert open_["dx"][49] > 2 * open_["dx"][1]


def test_05_summary_numbers():
    from lstm_core.lessons.l05_gradients import constant_carry, first_lag_below, flow_run

    says("05", "(below 1e-6 about 28 steps back at scale 1)")
    assert first_lag_below(flow_run(scale=1.0).rnn["dx"]) == 28
    says("05", "An LSTM with b_f = 3 or 5 keeps ‖∂L/∂c‖ above 0.1 at every lag up to 49.")
    for b_f in (3.0, 5.0):
        assert flow_run(forget_bias=b_f).lstm["dc"].min() > 0.1  # 0.1003 and 0.1036
    says("05", "with f = σ(3) it is σ(3)^30 ≈ 0.23 after 30 steps")
    assert f"{constant_carry(3.0, 30)[-1]:.2f}" == "0.23"


# ---------------------------------------------------------------------------------------------- lesson 06


@pytest.fixture(scope="module")
def task():
    from lstm_core.tasks import COUNT_TASK, counting

    return counting(**COUNT_TASK)


def test_06_adam_moves_a_weight_by_lr_only_at_first(task):
    from lstm_core.lessons.l06_training import median_moves

    says("06", "The median move of a weight per step, over all 35 weights, in units of lr:")
    assert sum(a.size for a in L.examples.vector_example()[0].arrays().values()) == 35
    says("06", "Only the first steps move the weights by about lr. As the loss falls the gradients shrink and change "
               "sign, and Adam's steps shrink with them: to about a tenth of lr by step 100, and below a hundredth "
               "of it after step 400.")
    (first, m1), (_, m2), (_, m3) = ((lo, m) for lo, _, m in median_moves())
    assert first == 0 and 0.8 < m1 < 1.0 and 0.07 < m2 < 0.13 and m3 < 0.01, (m1, m2, m3)


def test_06_scaling_by_01_only_doubles_the_ceiling():
    from lstm_core.lessons.l03_vector import readout_bound
    from lstm_core.lessons.l06_training import scaled_ceiling, trained_counter

    says("06", "About twice as high, not ten times")
    says("06", "scaling the numbers by 0.1 only doubles it.")
    ratio = scaled_ceiling(0.1)[1] / readout_bound(trained_counter())
    assert 1.8 < ratio < 2.2, ratio  # 22.4 against 11.26


def test_06_the_average_target_and_its_loss(task):
    xs, ys = task
    says("06", "4.4 is the loss of answering the average target, 7.25, for every sequence.")
    assert ys.mean() == 7.25 and f"{np.mean((ys - ys.mean()) ** 2):.1f}" == "4.4"


def test_06_learning_rates_in_the_explorer(task):
    from lstm_core.lessons.l06_training import counting_start

    xs, ys = task
    mean_loss = float(np.mean((ys - ys.mean()) ** 2))
    says("06", "Then raise the learning rate to 0.3 and train again. Look for the long plateau near 4.4 before the "
               "curve drops")
    loss = np.array(L.train(counting_start(2), xs, ys, steps=800, lr=0.3, seed=0)[1].loss)
    plateau = np.flatnonzero(np.abs(loss - mean_loss) < 0.1)
    assert plateau.size > 150 and loss[-1] < 1e-3  # about 200 steps near 4.44, then it drops

    says("06", "Set lr to 0.0001 and train: the blue curve barely moves in 800 steps, since Adam's steps scale with "
               "lr, here 300 times smaller than at 0.03.")
    crawl = L.train(counting_start(2), xs, ys, steps=800, lr=1e-4, seed=0)[1]
    assert crawl.final_loss > 0.85 * crawl.loss[0] and round(0.03 / 1e-4) == 300  # 45.1 -> 41.1

    says("06", "Then set H to 8 (random start weights) at lr = 0.03: with four times as many units the loss falls "
               "below 1e-6 after about 750 steps")
    loss8 = np.array(L.train(counting_start(8), xs, ys, steps=800, lr=0.03, seed=0)[1].loss)
    assert 700 <= np.flatnonzero(loss8 < 1e-6)[0] <= 800  # 744

    says("06", "Set lr to 1 and train. Adam's first steps move every weight by about 1: the loss jumps and then sits "
               "near 4.4, the prediction stuck at the average target 7.25 for every sequence.")
    says("06", "every gate reads 1.00.")
    stuck, history = L.train(counting_start(2), xs, ys, steps=800, lr=1.0, seed=0)
    early = np.array(history.loss[:20])
    assert abs(history.final_loss - mean_loss) < 1e-3 and np.max(np.diff(early)) > 5  # 4.5 -> 8.4 -> 15 -> 16.6
    trace = L.forward(stuck, xs)
    np.testing.assert_allclose(trace.y_all[-1], 7.25, atol=1e-3)
    for k in L.GATES:
        assert f"{getattr(trace, k).min():.2f}" == "1.00", k


# ---------------------------------------------------------------------------------------------- lesson 07


def test_07_keras_forget_bias_keeps_73_percent():
    says("07", "so that f = σ(1) ≈ 0.73 keeps most of the cell state from the first update on")
    assert f"{sig(1.0):.2f}" == "0.73"
