"""Lesson 05's questions: each answer checked against an independent calculation (math.exp, finite
differences of the LSTM's forward, clipping by hand), and the checker's right / wrong-with-hint /
not-a-number replies."""

import math

import numpy as np
import pytest

from lstm_core import forward
from lstm_core.lessons.questions import check
from lstm_core.lessons.l05_gradients import flow_inputs, lstm_for_flow, rnn_for_flow

from helpers.questions import (
    assert_asks_for_a_number,
    assert_quiz_widgets_take_the_answers,
    assert_the_answer_is_right,
    assert_wrong_gets_exactly_the_hint,
    assert_wrong_gets_the_hint,
    by_key,
)
from helpers.reference import sig

T, H = 50, 8


def test_lesson_05_has_its_questions():
    assert set(by_key("05")) == {"prod30", "raise_bf", "grows", "clip"}


def test_prod30_is_sigma_3_to_the_30():
    q = by_key("05")["prod30"]
    assert q.answer == pytest.approx(sig(3.0) ** 30, rel=1e-12)
    assert q.answer == pytest.approx(0.2328, abs=5e-5)


def numeric_cell_gradient(b_f, lag, seed, eps=1e-6):
    """‖dL/dc_{T-lag}‖ of the lesson's LSTM by central differences: nudge c at that step, recompute its h and
    run the remaining steps from there."""
    p = lstm_for_flow(H, forget_bias=b_f, scale=1.0, seed=seed)
    xs = flow_inputs(T, seed=seed)
    trace = forward(p, xs)
    t = T - 1 - lag
    c, o = trace.c[t], trace.o[t]

    def L(c_t):
        h_t = o * np.tanh(c_t)
        if t == T - 1:
            return float(h_t.sum())
        return float(forward(p, xs[t + 1 :], h0=h_t, c0=c_t).h[-1].sum())

    grad = [(L(c + eps * e) - L(c - eps * e)) / (2 * eps) for e in np.eye(H)]
    return float(np.linalg.norm(grad))


def test_raise_bf_by_finite_differences_averaged_over_the_draws():
    q = by_key("05")["raise_bf"]
    ratios = [numeric_cell_gradient(3.0, 30, d) / numeric_cell_gradient(1.0, 30, d) for d in range(8)]
    assert math.exp(np.mean(np.log(ratios))) > 10  # grows more than 10-fold on average
    assert min(ratios) < 10 < max(ratios)  # while single draws disagree: the reason to average
    assert q.answer == "it grows more than 10-fold" and "averaged" in q.prompt
    assert q.answer in q.choices and len(set(q.choices)) == len(q.choices) == 3


def test_grows_by_finite_differences():
    q = by_key("05")["grows"]
    end, back = numeric_cell_gradient(5.0, 0, 0), numeric_cell_gradient(5.0, 49, 0)
    assert back > 10 * end  # the draw: 0.40 at the end, 6.24 49 steps back
    assert q.answer.startswith("yes")
    for wrong in (c for c in q.choices if c != q.answer):
        assert q.feedback_for(wrong) and q.feedback_for(wrong) in check(q, wrong).message


def test_clip_scales_the_whole_gradient_by_hand():
    from lstm_core import LSTMParams
    from lstm_core.gradient_descent import clip_by_global_norm

    q = by_key("05")["clip"]
    rng = np.random.default_rng(3)
    g = LSTMParams(W_x=rng.normal(size=(8, 1)), W_h=rng.normal(size=(8, 2)), b=rng.normal(size=8))
    flat = np.concatenate([a.ravel() for a in g.arrays().values()])
    for a in g.arrays().values():
        a *= 50.0 / np.linalg.norm(flat)
    want = np.concatenate([a.ravel() for a in g.arrays().values()]) / 50.0
    clip_by_global_norm(g, 1.0)  # what train(clip=1.0) calls at every step
    got = np.concatenate([a.ravel() for a in g.arrays().values()])
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert abs(got).max() < 1 and q.answer == q.choices[0]
    for wrong in q.choices[1:]:
        assert q.feedback_for(wrong) in check(q, wrong).message


@pytest.mark.parametrize("key", ["prod30", "raise_bf", "grows", "clip"])
def test_the_answer_is_right(key):
    q = by_key("05")[key]
    assert_the_answer_is_right(q)


@pytest.mark.parametrize("key, wrong", [("prod30", sig(3.0)), ("prod30", 0.5)])
def test_a_wrong_number_gets_the_hint(key, wrong):
    assert_wrong_gets_exactly_the_hint(by_key("05")[key], wrong)


def test_a_wrong_choice_gets_the_hint():
    q = by_key("05")["raise_bf"]
    for wrong in (c for c in q.choices if c != q.answer):
        assert_wrong_gets_the_hint(q, wrong)


@pytest.mark.parametrize("text", ["abc", "", "σ(3)"])
def test_not_a_number_is_asked_for_a_number(text):
    assert_asks_for_a_number(by_key("05")["prod30"], text)


def test_quiz_widgets_build_for_every_question():
    pytest.importorskip("ipywidgets")
    assert_quiz_widgets_take_the_answers("05", by_key("05").values())


def test_raise_bf_quotes_the_measured_sizes_and_gives_the_next_answer_away_nowhere():
    q = by_key("05")["raise_bf"]
    ratios = [numeric_cell_gradient(3.0, 30, d) / numeric_cell_gradient(1.0, 30, d) for d in range(8)]
    mean = math.exp(np.mean(np.log(ratios)))
    assert f"{mean:.0f} times larger" in q.explanation and round(mean) == 40
    assert f"from {min(ratios):.2f} to {max(ratios):.0f} times" in q.explanation  # 0.17 to 1095
    prod30 = by_key("05")["prod30"]  # asked next: σ(3)^30 = 0.2328
    for _, text in q.feedback:
        assert "thousand" not in text  # the average grows 40-fold, not thousands of times
        assert f"{prod30.answer:.2f}" not in text and f"{prod30.answer:.4f}" not in text
