"""Lesson 04's questions: each answer checked against an independent hand calculation, and the checker's
right / wrong-with-hint / not-a-number replies."""

import math

import pytest

from lstm_core.lessons.questions import check

from helpers.questions import (
    assert_asks_for_a_number,
    assert_quiz_widgets_take_the_answers,
    assert_the_answer_is_right,
    assert_wrong_gets_exactly_the_hint,
    assert_wrong_gets_the_hint,
    by_key,
)
from helpers.reference import sig


def hand_rnn_survival(u=0.9, w=2.0, T=100, tp=10):
    """The RNN h_t = tanh(w x_t + u h_{t-1}) by hand: steps until h falls below half its peak, or None."""
    h, hs = 0.0, []
    for t in range(1, T + 1):
        h = math.tanh(w * (1.0 if t == tp else 0.0) + u * h)
        hs.append(h)
    after = [abs(v) for v in hs[tp - 1 :]]
    peak_at = max(range(len(after)), key=after.__getitem__)
    for k in range(peak_at + 1, len(after)):
        if after[k] < 0.5 * after[peak_at]:
            return k
    return None


def test_lesson_04_has_its_questions():
    assert set(by_key("04")) == {"left10", "longer", "half4", "latch"}


def test_left10_is_sigma_2_to_the_10():
    q = by_key("04")["left10"]
    assert q.answer == pytest.approx(sig(2.0) ** 10, rel=1e-12)
    assert q.answer == pytest.approx(0.2810, abs=5e-5)


def test_longer_at_u_1_2_is_both_by_hand():
    q = by_key("04")["longer"]
    assert "u = 1.2" in q.prompt and "b<sub>f</sub> = 5" in q.prompt
    # LSTM: c after the pulse is σ(5)^k times its peak; above ½ for all 90 remaining steps
    lstm_survives_to_end = sig(5.0) ** 90 >= 0.5
    assert lstm_survives_to_end and hand_rnn_survival(u=1.2) is None  # h settles where tanh(1.2 h) = h
    assert hand_rnn_survival(u=0.9) == 3  # at the explorer's own u the RNN fades: the page's table shows that
    assert q.answer == "both the same: both stay above half to the end"
    assert q.answer in q.choices and len(set(q.choices)) == len(q.choices)
    for wrong in (c for c in q.choices if c != q.answer):
        assert q.feedback_for(wrong) in check(q, wrong).message


def test_half4_is_the_first_k_with_sigma_4_to_the_k_below_half():
    q = by_key("04")["half4"]
    k = next(k for k in range(1, 1000) if sig(4.0) ** k < 0.5)
    assert k == 39
    assert q.answer == k


def hand_rnn(u, w=2.0, T=100, tp=10):
    h, hs = 0.0, []
    for t in range(1, T + 1):
        h = math.tanh(w * (1.0 if t == tp else 0.0) + u * h)
        hs.append(h)
    return hs


def test_latch_holds_the_value_but_not_the_gradient_by_hand():
    q = by_key("04")["latch"]
    hs = hand_rnn(1.5)
    after = hs[9:]
    assert hand_rnn_survival(u=1.5) is None and abs(after[-1]) > 0.5 * max(map(abs, after))  # the value holds
    ratio = hs[-1] / hs[-2]
    slope = 1.5 * (1 - hs[-1] ** 2)
    assert abs(ratio - 1) < 1e-6 and slope < 0.4  # the value's ratio is 1, the gradient's factor far below
    carry = math.prod(1.5 * (1 - h ** 2) for h in hs[10:])
    assert carry < 1e-30
    assert q.answer == q.choices[2] and q.kind == "explain"
    for wrong in q.choices[:2]:
        message = check(q, wrong).message
        assert q.feedback_for(wrong) in message and q.hint in message


def test_value_ratio_is_not_the_slope_at_u_0_9():
    """The issue's numbers: one step after the pulse the value keeps 0.73 of itself, a gradient 0.46."""
    from lstm_core.lessons.l04_conveyor_belt import value_and_slope

    hs = hand_rnn(0.9)
    run = value_and_slope(0.9)
    assert run["ratio"][0] == pytest.approx(hs[10] / hs[9]) == pytest.approx(0.726, abs=1e-3)
    assert run["slope"][0] == pytest.approx(0.9 * (1 - hs[10] ** 2)) == pytest.approx(0.459, abs=1e-3)


def test_longer_wrong_choices_name_their_misconception():
    q = by_key("04")["longer"]
    for wrong in (c for c in q.choices if c != q.answer):
        assert q.feedback_for(wrong) in check(q, wrong).message


@pytest.mark.parametrize("key", ["left10", "longer", "half4", "latch"])
def test_the_answer_is_right(key):
    q = by_key("04")[key]
    assert_the_answer_is_right(q)


@pytest.mark.parametrize("key, wrong", [("left10", 0.5), ("left10", 0.8808), ("half4", 38), ("half4", 100)])
def test_a_wrong_number_gets_the_hint(key, wrong):
    assert_wrong_gets_exactly_the_hint(by_key("04")[key], wrong)


def test_a_wrong_choice_gets_the_hint():
    q = by_key("04")["longer"]
    assert_wrong_gets_the_hint(q, next(c for c in q.choices if c != q.answer))


@pytest.mark.parametrize("key", ["left10", "half4"])
@pytest.mark.parametrize("text", ["abc", "", "c_t"])
def test_not_a_number_is_asked_for_a_number(key, text):
    assert_asks_for_a_number(by_key("04")[key], text)


def test_quiz_widgets_build_for_every_question():
    pytest.importorskip("ipywidgets")
    assert_quiz_widgets_take_the_answers("04", by_key("04").values())
