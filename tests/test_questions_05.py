"""Lesson 05's questions: each answer checked against an independent calculation (math.exp, an RNN
backward pass written out here, finite differences of the LSTM's forward), and the checker's right /
wrong-with-hint / not-a-number replies."""

import math

import numpy as np
import pytest

from lstm_core import forward
from lstm_core.lessons.l05_gradients import flow_inputs, lstm_for_flow, rnn_for_flow

from helpers.questions import (
    assert_asks_for_a_number,
    assert_quiz_widgets_take_the_answers,
    assert_the_answer_is_right,
    assert_wrong_gets_exactly_the_hint,
    assert_wrong_gets_the_hint,
    by_key,
)

T, H = 50, 8


def sig(z):
    return 1.0 / (1.0 + math.exp(-z))


def hand_rnn_input_gradients(scale=1.0, seed=0):
    """|dL/dx_t| for L = Σ h_T of the lesson's RNN (D = 1), by a forward and backward loop written here."""
    p = rnn_for_flow(H, scale=scale, seed=seed)
    xs = flow_inputs(T, seed=seed)  # (T, 1)
    hs, h = [], np.zeros(H)
    for t in range(T):
        h = np.tanh(p.W_x @ xs[t] + p.W_h @ h + p.b)
        hs.append(h)
    dh = np.ones(H)  # dL/dh_T
    dx = np.zeros(T)
    for t in reversed(range(T)):
        dz = dh * (1.0 - hs[t] ** 2)
        dx[t] = np.linalg.norm(p.W_x.T @ dz)
        dh = p.W_h.T @ dz  # only the carried gradient: L depends on h_T alone
    return dx[::-1]  # index = lag


def numeric_lstm_input_gradient(b_f, lag, eps=1e-5):
    """|dL/dx_{T-lag}| of the lesson's LSTM (D = 1) by central differences of L = Σ h_T."""
    p = lstm_for_flow(H, forget_bias=b_f, scale=1.0, seed=0)
    xs = flow_inputs(T, seed=0)

    def L(delta):
        x = xs.copy()
        x[T - 1 - lag, 0] += delta
        return float(forward(p, x).h[-1].sum())

    return abs(L(eps) - L(-eps)) / (2 * eps)


def test_lesson_05_has_its_questions():
    assert set(by_key("05")) == {"prod30", "rnn_lag", "raise_bf"}


def test_prod30_is_sigma_3_to_the_30():
    q = by_key("05")["prod30"]
    assert q.answer == pytest.approx(sig(3.0) ** 30, rel=1e-12)
    assert q.answer == pytest.approx(0.2328, abs=5e-5)


def test_rnn_lag_is_the_first_lag_below_1e_6_by_hand():
    q = by_key("05")["rnn_lag"]
    dx = hand_rnn_input_gradients()
    k = next(k for k in range(T) if dx[k] < 1e-6)
    assert dx[k - 1] >= 1e-6 > dx[k]
    assert q.answer == k


def test_raise_bf_by_finite_differences():
    q = by_key("05")["raise_bf"]
    low, high = numeric_lstm_input_gradient(1.0, 30), numeric_lstm_input_gradient(3.0, 30)
    assert high / low > 10  # grows more than 10-fold
    assert q.answer == "it grows more than 10-fold"
    assert q.answer in q.choices and len(set(q.choices)) == len(q.choices) == 3


@pytest.mark.parametrize("key", ["prod30", "rnn_lag", "raise_bf"])
def test_the_answer_is_right(key):
    q = by_key("05")[key]
    assert_the_answer_is_right(q)


@pytest.mark.parametrize("key, wrong", [("prod30", sig(3.0)), ("prod30", 0.5), ("rnn_lag", 33), ("rnn_lag", 49)])
def test_a_wrong_number_gets_the_hint(key, wrong):
    assert_wrong_gets_exactly_the_hint(by_key("05")[key], wrong)


def test_a_wrong_choice_gets_the_hint():
    q = by_key("05")["raise_bf"]
    for wrong in (c for c in q.choices if c != q.answer):
        assert_wrong_gets_the_hint(q, wrong)


@pytest.mark.parametrize("key", ["prod30", "rnn_lag"])
@pytest.mark.parametrize("text", ["abc", "", "σ(3)"])
def test_not_a_number_is_asked_for_a_number(key, text):
    assert_asks_for_a_number(by_key("05")[key], text)


def test_quiz_widgets_build_for_every_question():
    pytest.importorskip("ipywidgets")
    assert_quiz_widgets_take_the_answers("05", by_key("05").values())
