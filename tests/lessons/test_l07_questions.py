"""Lesson 07's questions: each answer checked against an independent calculation (shapes, the bias sum and
the Keras column worked out by hand from the documented layouts), and the checker's right / wrong-with-hint /
not-a-number replies."""

import math

import numpy as np
import pytest

from lstm_core import LSTMParams
from lstm_core.lessons.questions import check

from helpers.questions import (
    assert_asks_for_a_number,
    assert_quiz_widgets_take_the_answers,
    assert_the_answer_is_right,
    assert_wrong_gets_exactly_the_hint,
    by_key,
)

D, H = 1, 2


def test_lesson_07_has_its_questions():
    assert set(by_key("07")) == {"shape_ih", "bias_sum", "keras_col", "split", "forget_start"}


def hand_lstm_h(w_ih, w_hh, b_ih, b_hh, xs, H=2):
    """h_t of PyTorch's LSTM equations written out here: z = W_ih x + b_ih + W_hh h + b_hh, rows i, f, g, o."""
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))  # noqa: E731
    h, c, hs = np.zeros(H), np.zeros(H), []
    for x in xs:
        z = w_ih @ x + b_ih + w_hh @ h + b_hh
        i, f, g, o = sig(z[:H]), sig(z[H:2 * H]), np.tanh(z[2 * H:3 * H]), sig(z[3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
        hs.append(h)
    return np.array(hs)


def test_split_moving_bias_between_ih_and_hh_changes_nothing_by_hand():
    q = by_key("07")["split"]
    rng = np.random.default_rng(7)
    w_ih, w_hh, b_ih, b_hh = (rng.normal(size=s) for s in ((8, 1), (8, 2), (8,), (8,)))
    xs = rng.normal(size=(6, 1))
    moved_ih, moved_hh = b_ih.copy(), b_hh.copy()
    moved_ih[2:4] -= 0.3  # the forget rows of H = 2
    moved_hh[2:4] += 0.3
    np.testing.assert_allclose(hand_lstm_h(w_ih, w_hh, b_ih, b_hh, xs),
                               hand_lstm_h(w_ih, w_hh, moved_ih, moved_hh, xs), rtol=0, atol=1e-12)
    assert q.answer == q.choices[0] and q.kind == "explain"
    for wrong in q.choices[1:]:
        assert q.feedback_for(wrong) in check(q, wrong).message


def test_forget_start_keeps_sigma_1_by_hand():
    q = by_key("07")["forget_start"]
    kept = 1.0 / (1.0 + math.exp(-1.0))  # z_f = 0·x + 0·h + 1
    assert abs(kept - 0.7311) < 5e-5
    assert q.answer == "about 73 %: f = σ(1)"
    assert "Jozefowicz" in q.explanation and "Gers" not in q.explanation
    for wrong in q.choices[1:]:
        assert q.feedback_for(wrong) in check(q, wrong).message


def test_shape_ih_is_4H_by_D():
    q = by_key("07")["shape_ih"]
    assert q.answer == f"({4 * H}, {D})" == "(8, 1)"
    assert len(set(q.choices)) == len(q.choices) == 4
    assert "(1, 8)" in q.choices  # Keras's kernel, the transpose: the tempting wrong answer


def test_bias_sum_is_the_sum():
    q = by_key("07")["bias_sum"]
    assert q.answer == pytest.approx(0.3 + 0.2, abs=1e-15)
    # the same through from_torch with every gate given its own pair of biases: only the sums survive
    b_ih, b_hh = np.array([0.1, 0.3, -0.4, 0.6]), np.array([0.05, 0.2, 0.1, -0.1])
    p = LSTMParams.from_torch(np.zeros((4, 1)), np.zeros((4, 1)), b_ih, b_hh)
    np.testing.assert_allclose(p.b, b_ih + b_hh, rtol=0, atol=1e-15)
    assert p.b[1] == pytest.approx(q.answer)  # row 1 is f in the order i, f, g, o


def test_keras_col_by_hand():
    q = by_key("07")["keras_col"]
    # Keras's column blocks: i (0, 1), f (2, 3), c (4, 5), o (6, 7); unit 1 of f is column 3
    assert q.answer == 3
    # and a kernel built column by column from a PyTorch-layout weight puts f's unit-1 row there
    weight_ih = np.arange(4 * H, dtype=float)[:, None] + 10.0  # (4H, D), rows i0 i1 f0 f1 g0 g1 o0 o1
    kernel = LSTMParams.from_torch(weight_ih, np.zeros((4 * H, H))).to_keras()["kernel"]
    assert kernel[0, int(q.answer)] == weight_ih[3, 0] == 13.0


@pytest.mark.parametrize("key", ["shape_ih", "bias_sum", "keras_col"])
def test_the_answer_is_right(key):
    q = by_key("07")[key]
    assert_the_answer_is_right(q)
    if not q.choices:
        assert check(q, str(q.answer).replace(".", ",")).correct


@pytest.mark.parametrize("key, wrong", [("bias_sum", 0.3), ("bias_sum", 0.2), ("bias_sum", 0.06),
                                        ("keras_col", 2), ("keras_col", 5), ("keras_col", 1)])
def test_a_wrong_number_gets_the_hint(key, wrong):
    assert_wrong_gets_exactly_the_hint(by_key("07")[key], wrong)


def test_a_wrong_choice_gets_the_hint():
    q = by_key("07")["shape_ih"]
    wrongs = [c for c in q.choices if c != q.answer]
    assert len(wrongs) == 3
    for wrong in wrongs:
        assert_wrong_gets_exactly_the_hint(q, wrong)
    assert not check(q, "(8,1)").correct  # not one of the options


@pytest.mark.parametrize("key", ["bias_sum", "keras_col"])
@pytest.mark.parametrize("text", ["abc", "", "b_ih + b_hh"])
def test_not_a_number_is_asked_for_a_number(key, text):
    assert_asks_for_a_number(by_key("07")[key], text)


def test_quiz_widgets_build_for_every_question():
    pytest.importorskip("ipywidgets")
    assert_quiz_widgets_take_the_answers("07", by_key("07").values())
