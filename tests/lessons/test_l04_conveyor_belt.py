"""lstm_core.lessons.l04_conveyor_belt against hand calculation: the pulse, the conveyor LSTM's f^k decay, the RNN's
geometric fade, the carries, and survival times on hand-made arrays."""

import math

import numpy as np
import pytest

from lstm_core.lessons import l04_conveyor_belt as M

from helpers.reference import sig


# ------------------------------------------------------------------ the pulse
def test_pulse_is_one_at_the_pulse_step_and_zero_elsewhere():
    xs = M.pulse(5, 2)
    assert xs.tolist() == [0.0, 1.0, 0.0, 0.0, 0.0]
    assert M.pulse(3, 1).tolist() == [1.0, 0.0, 0.0]
    assert M.pulse(3, 3).tolist() == [0.0, 0.0, 1.0]


@pytest.mark.parametrize("T, t_pulse", [(5, 0), (5, 6), (0, 1)])
def test_pulse_outside_the_sequence_is_a_clear_error(T, t_pulse):
    with pytest.raises(ValueError, match="t_pulse|T"):
        M.pulse(T, t_pulse)


def test_pulse_step_must_be_a_whole_number():
    with pytest.raises(TypeError, match="t_pulse"):
        M.pulse(5, 2.5)


# ------------------------------------------------------------------ the conveyor LSTM
def test_conveyor_lstm_weights_are_the_lessons_design():
    p = M.conveyor_lstm(4.0, -3.0)
    assert p.hidden_size == 1 and p.input_size == 1
    # rows i, f, g, o
    assert p.W_x[:, 0].tolist() == [10.0, 0.0, 2.0, 0.0]
    assert p.W_h[:, 0].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert p.b.tolist() == [-3.0, 4.0, 0.0, 1.0]


@pytest.mark.parametrize("b_f", [-2.0, 0.0, 2.0, 4.5, 8.0])
def test_cell_state_decays_as_sigma_bf_to_the_k_after_the_pulse(b_f):
    b_i, T, tp = -5.0, 40, 7
    run = M.conveyor_run(T=T, t_pulse=tp, forget_bias=b_f, input_bias=b_i, recurrent=0.9)
    c = run.lstm.c[:, 0]
    # by hand: c is 0 before the pulse; at the pulse i = σ(10 + b_i), g = tanh(2)
    assert np.all(c[: tp - 1] == 0.0)
    peak = sig(10.0 + b_i) * math.tanh(2.0)
    assert c[tp - 1] == pytest.approx(peak, rel=1e-12)
    for k in range(T - tp + 1):
        assert c[tp - 1 + k] == pytest.approx(peak * sig(b_f) ** k, rel=1e-10, abs=1e-300)
    # h = σ(1) tanh(c)
    assert run.lstm.h[:, 0] == pytest.approx([sig(1.0) * math.tanh(v) for v in c], rel=1e-12)
    # the forget gate is the same at every step
    assert run.lstm.f[:, 0] == pytest.approx([sig(b_f)] * T, rel=1e-14)


def test_carry_is_the_product_of_f_from_the_pulse():
    b_f, tp, T = 2.0, 4, 12
    run = M.conveyor_run(T=T, t_pulse=tp, forget_bias=b_f)
    carry = M.cell_carry(run.lstm, tp)[:, 0]
    assert np.all(np.isnan(carry[: tp - 1]))
    assert carry[tp - 1] == 1.0
    assert carry[tp - 1 + 5] == pytest.approx(sig(b_f) ** 5, rel=1e-12)
    # c_t = carry_t · c_{t_p}: the memory rides the same product as its gradient
    c = run.lstm.c[:, 0]
    assert c[tp - 1 :] == pytest.approx(carry[tp - 1 :] * c[tp - 1], rel=1e-12)
    assert run.lstm_carry == pytest.approx(carry, nan_ok=True)


def test_carry_on_a_hand_made_forget_gate():
    class FakeTrace:
        f = np.array([[0.1], [0.5], [0.8], [0.25]])

    got = M.cell_carry(FakeTrace(), 2)[:, 0]
    assert np.isnan(got[0])
    assert got[1] == 1.0
    assert got[2:] == pytest.approx([0.8, 0.8 * 0.25], rel=1e-15)


def test_carry_equals_backprop_of_the_last_cell_state():
    # ∂c_T/∂c_{t_p} by finite differences: nudge c at the pulse step by running from there with c0 + ε
    from lstm_core import forward

    b_f, tp, T = 3.0, 3, 10
    p = M.conveyor_lstm(b_f, -5.0)
    xs = M.pulse(T, tp)
    base = forward(p, xs[tp:], h0=[0.0], c0=[0.5])
    eps = 1e-6
    bumped = forward(p, xs[tp:], h0=[0.0], c0=[0.5 + eps])
    fd = (bumped.c[-1, 0] - base.c[-1, 0]) / eps
    run = M.conveyor_run(T=T, t_pulse=tp, forget_bias=b_f)
    assert run.lstm_carry[-1] == pytest.approx(fd, rel=1e-6)


# ------------------------------------------------------------------ the RNN
def test_conveyor_rnn_is_the_vanilla_rnn_by_hand():
    u, T, tp = 0.9, 8, 2
    run = M.conveyor_run(T=T, t_pulse=tp, recurrent=u)
    h, want = 0.0, []
    for x in [0.0, 1.0] + [0.0] * (T - 2):
        h = math.tanh(2.0 * x + u * h + 0.0)
        want.append(h)
    assert run.rnn.h[:, 0] == pytest.approx(want, rel=1e-12)
    p = M.conveyor_rnn(0.7, input_weight=1.5, bias=0.25)
    assert (p.W_x[0, 0], p.W_h[0, 0], p.b[0]) == (1.5, 0.7, 0.25)


def test_rnn_carry_is_the_product_of_u_times_one_minus_h_squared():
    u, T, tp = 0.9, 10, 3
    run = M.conveyor_run(T=T, t_pulse=tp, recurrent=u)
    h = run.rnn.h[:, 0]
    assert np.all(np.isnan(run.rnn_carry[: tp - 1]))
    assert run.rnn_carry[tp - 1] == 1.0
    prod = 1.0
    for t in range(tp, T):
        prod *= u * (1.0 - h[t] ** 2)
        assert run.rnn_carry[t] == pytest.approx(prod, rel=1e-12)


def test_rnn_carry_matches_a_finite_difference():
    from lstm_core.rnn import rnn_forward

    u, T, tp = 1.2, 12, 4
    p = M.conveyor_rnn(u)
    xs = M.pulse(T, tp)
    h_tp = rnn_forward(p, xs).h[tp - 1]
    eps = 1e-7
    plus = rnn_forward(p, xs[tp:], h0=h_tp + eps).h[-1, 0]
    minus = rnn_forward(p, xs[tp:], h0=h_tp - eps).h[-1, 0]
    run = M.conveyor_run(T=T, t_pulse=tp, recurrent=u)
    assert run.rnn_carry[-1] == pytest.approx((plus - minus) / (2 * eps), rel=1e-5)


def test_rnn_carry_needs_one_hidden_unit():
    from lstm_core.rnn import RNNParams, rnn_forward

    p = RNNParams.random(1, 2)
    with pytest.raises(ValueError, match="H = 1"):
        M.rnn_carry(p, rnn_forward(p, np.zeros(3)), 1)


# ------------------------------------------------------------------ survival
def test_survival_time_on_a_hand_made_array():
    # pulse at step 2 (index 1), peak 1.0 there; 0.6 at +1, 0.5 at +2 (not below), 0.4 at +3
    values = [0.0, 1.0, 0.6, 0.5, 0.4, 0.3]
    assert M.survival_time(values, 2) == 3
    # fraction 0.7: 0.6 < 0.7 already at +1
    assert M.survival_time(values, 2, fraction=0.7) == 1
    # never falls below half: survives to the end
    assert M.survival_time([0.0, 1.0, 0.9, 0.8], 2) is None


def test_survival_time_measures_from_a_later_peak_and_uses_magnitudes():
    # the peak |−2| is at step 4, two steps after the pulse at step 2; below 1.0 at step 6
    values = [5.0, 1.0, 1.5, -2.0, -1.2, 0.9, 1.9]
    assert M.survival_time(values, 2) == 4
    # a large value before the pulse does not count as the peak
    assert M.survival_time([9.0, 1.0, 0.4], 2) == 1


def test_survival_time_of_nothing_written_is_zero():
    assert M.survival_time([0.0, 0.0, 0.0], 1) == 0


def test_survival_time_rejects_bad_input():
    with pytest.raises(ValueError, match="fraction"):
        M.survival_time([1.0, 0.5], 1, fraction=1.5)
    with pytest.raises(ValueError, match="t_pulse"):
        M.survival_time([1.0, 0.5], 3)
    with pytest.raises(ValueError, match="values"):
        M.survival_time([[1.0, 0.5]], 1)


def test_lstm_survival_matches_the_half_life_by_hand():
    # f^k < 1/2 first at k = floor(ln ½ / ln f) + 1
    for b_f in (1.0, 2.0, 3.0, 4.0):
        f = sig(b_f)
        k = math.floor(math.log(0.5) / math.log(f)) + 1
        run = M.conveyor_run(T=100, t_pulse=1, forget_bias=b_f)
        assert run.summaries["c"].survival == k, b_f
        assert M.half_life(f) == pytest.approx(math.log(0.5) / math.log(f))


def test_defaults_lstm_survives_to_the_end_and_rnn_fades():
    run = M.conveyor_run()
    assert run.T == 100 and run.t_pulse == 10
    # σ(5)^90 = 0.546 > 1/2: c survives to the end
    assert sig(5.0) ** 90 > 0.5
    assert run.summaries["c"].survival is None and run.summaries["c"].survival_text() == "survives to the end"
    # the RNN by hand: 0.964, 0.700, 0.558, 0.464 < 0.482 at +3
    assert run.summaries["rnn_h"].survival == 3 and run.summaries["rnn_h"].survival_text() == "3 steps"


def test_readout_peak_end_and_half_line():
    r = M.summarize([0.0, -0.5, -2.0, 1.5, 0.25], 2)
    assert (r.peak, r.peak_step, r.end, r.half) == (-2.0, 3, 0.25, 1.0)
    # half of 2 is 1.0: 1.5 at step 4 is not below, 0.25 at step 5 is; 5 - t_pulse = 3
    assert r.survival == 3


def test_half_life_rejects_a_gate_outside_zero_one():
    with pytest.raises(ValueError, match="forget"):
        M.half_life(1.0)


def test_readout_of_a_carry_ignores_the_nans_before_the_pulse():
    r = M.summarize([np.nan, np.nan, 1.0, 0.7, 0.45], 3)
    assert (r.peak, r.peak_step, r.end, r.survival) == (1.0, 3, 0.45, 2)


def test_gradient_and_memory_survive_equally_long_on_the_belt():
    # c_t = carry_t · c_{t_p}, so the memory and the gradient halve on the same step
    for b_f in (0.5, 2.0, 3.5):
        run = M.conveyor_run(T=60, t_pulse=5, forget_bias=b_f)
        assert run.summaries["carry"].survival == run.summaries["c"].survival is not None


def test_rnn_factors_by_hand():
    run = M.conveyor_run(T=5, t_pulse=1, recurrent=0.8)
    h = run.rnn.h[:, 0]
    assert M.rnn_factors(run.rnn_params, run.rnn) == pytest.approx([0.8 * (1 - v * v) for v in h], rel=1e-14)
    assert run.series["rnn_factor"] == pytest.approx([0.8 * (1 - v * v) for v in h], rel=1e-14)


def test_carry_from_step_one_is_flows_cell_carry():
    from lstm_core.lessons.l04_conveyor_belt import cell_carry

    # cell_carry counts from c_0 (∏ f_1..f_t), the carry from step 1 leaves f_1 out
    run = M.conveyor_run(T=30, t_pulse=1, forget_bias=1.5)
    assert M.cell_carry(run.lstm, 1) * sig(1.5) == pytest.approx(cell_carry(run.lstm), rel=1e-13)


def test_carry_at_the_extremes_of_the_lesson():
    # b_f = -2 (f = 0.12) and the pulse at step 100: ∏ f up to the pulse is 1e-92, still far from 0
    run = M.conveyor_run(T=100, t_pulse=100, forget_bias=-2.0)
    assert run.lstm_carry[-1] == 1.0
    run = M.conveyor_run(T=100, t_pulse=50, forget_bias=-2.0)
    assert run.lstm_carry[-1] == pytest.approx(sig(-2.0) ** 50, rel=1e-12)


def test_carry_that_underflowed_is_a_clear_error():
    class FakeTrace:
        f = np.array([[0.0], [0.5], [0.5]])

    with pytest.raises(ValueError, match="underflowed"):
        M.cell_carry(FakeTrace(), 2)
