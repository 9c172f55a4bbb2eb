"""Lessons 00 and 01: every question's answer is right by its own checker, wrong answers get the hint,
and each answer agrees with an independent hand calculation made here from the prompt's numbers."""

import math
import re

import pytest

from lstm_core.lessons.questions import check, questions_for

from helpers.questions import (
    assert_asks_for_a_number,
    assert_quiz_widgets_take_the_answers,
    assert_right,
    assert_right_typed,
    assert_wrong_gets_the_hint,
    by_key,
    number,
)
from helpers.reference import sig

pytest.importorskip("ipywidgets")


@pytest.mark.parametrize("lesson", ["00", "01"])
def test_every_question_checks(lesson):
    questions = questions_for(lesson)
    assert len(questions) >= 2
    assert len({q.key for q in questions}) == len(questions)
    for q in questions:
        assert_right(q)
        if q.choices:
            assert_wrong_gets_the_hint(q, next(c for c in q.choices if c != q.answer))
            assert not check(q, None).correct and "Pick one" in check(q, None).message
        else:
            assert_right_typed(q)  # typed with 4 decimals, as the prompt asks
            assert_wrong_gets_the_hint(q, q.answer + 1.0)
            assert_asks_for_a_number(q, "half")


@pytest.mark.parametrize("lesson", ["00", "01"])
def test_every_question_has_a_widget(lesson):
    assert_quiz_widgets_take_the_answers(lesson, questions_for(lesson))


# ---------------------------------------------------------------- lesson 00


def hand_cell(f, i, g=0.5, c=0.5, steps=5):
    """c_0 .. c_steps of c_t = f c_{t-1} + i g, in plain Python."""
    out = [c]
    for _ in range(steps):
        c = f * c + i * g
        out.append(c)
    return out


def test_00_frozen_and_open_both_by_hand():
    frozen, open_both = by_key("00")["frozen"], by_key("00")["open_both"]
    assert hand_cell(1.0, 0.0) == [0.5] * 6 and frozen.answer == frozen.choices[0]
    grown = hand_cell(1.0, 1.0, steps=20)
    assert grown[-1] == 10.5 and open_both.answer == open_both.choices[1]  # past 1 and on: c has no squash
    for q in (frozen, open_both):
        assert q.kind == "predict"
        for wrong in (c for c in q.choices if c != q.answer):
            assert q.feedback_for(wrong) in check(q, wrong).message


def test_00_weight_count_by_hand():
    q = by_key("00")["n_weights"]
    H, D = number("H", q.prompt), number("D", q.prompt)
    assert (H, D) == (2, 1)
    assert q.answer == 4 * H * D + 4 * H * H + 4 * H  # W_x (4H, D), W_h (4H, H), b (4H,)
    assert not check(q, q.answer + 4 * H).correct  # forgetting nothing, counting a readout row too


def test_00_replace_c_by_hand():
    q = by_key("00")["replace_c"]
    assert q.answer == "f = 0 and i = 1" and q.kind == "explain"
    # by hand: c_t = f·c_{t-1} + i·g with c_{t-1} = 0.8 and g = 0.5; only f = 0, i = 1 leaves c_t = g
    c_prev, g = 0.8, 0.5
    results = {"f = 0 and i = 1": 0 * c_prev + 1 * g, "f = 1 and i = 0": 1 * c_prev + 0 * g,
               "f = 1 and i = 1": c_prev + g, "o = 0, the others open": c_prev + g}  # o is not in the update
    assert [k for k, v in results.items() if v == g] == [q.answer]
    assert set(results) == set(q.choices)
    for wrong in (c for c in q.choices if c != q.answer):
        assert q.feedback_for(wrong) in check(q, wrong).message


# ---------------------------------------------------------------- lesson 01


def test_01_sigma_by_hand():
    q = by_key("01")["sigma"]
    w, b, x = (number(s, q.prompt) for s in ("w", "b", "x"))
    assert q.answer == pytest.approx(1.0 / (1.0 + math.exp(-(w * x + b))), abs=1e-12)
    assert not check(q, sig(w * x)).correct  # forgetting the bias is wrong


def test_01_bias_for_90_percent_by_hand():
    q = by_key("01")["bias90"]
    p = float(re.search(r"(\d+)% open", q.prompt)[1]) / 100
    assert q.answer == pytest.approx(math.log(p / (1 - p)), abs=1e-12)
    assert sig(q.answer) == pytest.approx(p, abs=1e-12)
    assert check(q, "2.2").correct  # 2 decimals is enough
    assert not check(q, p).correct  # the opening is not the bias


def test_01_what_passes_by_hand():
    q = by_key("01")["passes"]
    z, g = number("z<sub>i</sub>", q.prompt), number("g", q.prompt)
    assert q.answer == pytest.approx(g / (1.0 + math.exp(-z)), abs=1e-12)
    assert not check(q, g).correct  # all of g is not what passes


def test_01_why_tanh_by_hand():
    q = by_key("01")["why_tanh"]
    writes = [sig(3.0) * sig(z) for z in range(-30, 31)]  # an open gate times a σ candidate
    assert min(writes) > 0 and math.tanh(-1.0) < 0  # σ writes only up; tanh can write down
    assert q.answer.startswith("writes could only raise the cell state") and q.kind == "explain"


def test_01_w_zero_by_hand():
    q = by_key("01")["w_zero"]
    values = {sig(0.0 * x - 1.0) for x in range(-5, 6)}
    assert len(values) == 1  # the same opening at every x
    assert q.answer == "it stays at σ(b), whatever x is"
    for wrong in (c for c in q.choices if c != q.answer):
        assert q.feedback_for(wrong) in check(q, wrong).message
