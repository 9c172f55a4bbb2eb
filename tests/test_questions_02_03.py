"""Lessons 02 and 03: every question's answer is right by its own checker, wrong answers get the hint,
text that is no number gets a clear ask, and each answer equals an independent hand calculation made
here in plain Python from the seeds' numbers (as printed in shared/seeds). The quiz widgets too."""

import math
import types

import pytest

from lstm_core.lessons.questions import check, questions_for

from helpers.questions import (
    assert_asks_for_a_number,
    assert_right,
    assert_right_typed,
    assert_wrong_gets_the_hint,
    by_key,
    number,
)

pytest.importorskip("ipywidgets")

from lstm_core import explore  # noqa: E402
from lstm_core.explore.explorers.quizzes import QuestionWidget  # noqa: E402

# The scalar seed's lstm_params: (W_x, W_h, b) per gate; X = [1, 2, 3]; y_pred = 4 * last_hidden
SCALAR = {"forget": (0.5, 0.1, 0.0), "input": (0.6, 0.2, 0.0), "cell": (0.7, 0.3, 0.0), "output": (0.8, 0.4, 0.0)}
# The vector seed's manual_params: rows [W_x | W_h] over [x; h], biases per unit
VECTOR = {
    "Wf": [[0.7, 0.2, 0.3], [0.6, 0.3, 0.1]], "Wi": [[0.2, 0.4, 0.1], [0.1, 0.5, 0.2]],
    "Wc": [[0.5, 0.3, 0.2], [0.2, 0.4, 0.1]], "Wo": [[0.1, 0.5, 0.3], [0.2, 0.3, 0.4]],
    "bf": [0.5, 0.4], "bi": [0.1, 0.2], "bc": [0.3, 0.1], "bo": [0.2, 0.1], "Wy": [0.6, 0.4], "by": 0.1,
}
XS = [1.0, 2.0, 3.0]


def sigma(z):
    return 1.0 / (1.0 + math.exp(-z))


def hand_scalar(params=SCALAR, xs=XS):
    """The seed's loop, in plain Python: a list of per-step dicts."""
    h = c = 0.0
    steps = []
    for x in xs:
        f = sigma(params["forget"][0] * x + params["forget"][1] * h + params["forget"][2])
        i = sigma(params["input"][0] * x + params["input"][1] * h + params["input"][2])
        g = math.tanh(params["cell"][0] * x + params["cell"][1] * h + params["cell"][2])
        o = sigma(params["output"][0] * x + params["output"][1] * h + params["output"][2])
        c = f * c + i * g
        h = o * math.tanh(c)
        steps.append({"f": f, "i": i, "g": g, "o": o, "c": c, "h": h})
    return steps


def hand_vector(xs=XS):
    """The vector seed's loop over [x; h], in plain Python lists (H = 2)."""
    h, c = [0.0, 0.0], [0.0, 0.0]
    steps = []
    for x in xs:
        concat = [x] + h
        pre = {k: [sum(w * v for w, v in zip(VECTOR["W" + k][u], concat)) + VECTOR["b" + k][u] for u in range(2)]
               for k in "fico"}
        f, i, o = ([sigma(z) for z in pre[k]] for k in "fio")
        g = [math.tanh(z) for z in pre["c"]]
        c = [f[u] * c[u] + i[u] * g[u] for u in range(2)]
        h = [o[u] * math.tanh(c[u]) for u in range(2)]
        steps.append({"f": f, "i": i, "g": g, "o": o, "c": c, "h": h})
    prediction = VECTOR["Wy"][0] * h[0] + VECTOR["Wy"][1] * h[1] + VECTOR["by"]
    return steps, prediction


# --------------------------------------------------------------------------- the checker on every question
@pytest.mark.parametrize("lesson", ["02", "03"])
def test_every_question_checks(lesson):
    questions = questions_for(lesson)
    assert len(questions) >= 2
    assert len({q.key for q in questions}) == len(questions)
    for q in questions:
        right = assert_right(q)
        assert q.explanation in right.message
        if q.choices:
            assert q.answer in q.choices
            for wrong in (c for c in q.choices if c != q.answer):
                verdict = assert_wrong_gets_the_hint(q, wrong)
                assert verdict.message.startswith("Not quite")
            for not_offered in ("unit 3", "", None, 1):
                verdict = check(q, not_offered)
                assert not verdict.correct and "Pick one of the options" in verdict.message
        else:
            assert_right_typed(q)  # typed with 4 decimals, as the prompts ask
            assert check(q, f" {q.answer:.4f} ".replace(".", ",")).correct  # a decimal comma and spaces
            for wrong in (q.answer + 1.0, q.answer - 3 * q.tol, -q.answer - 1.0):
                verdict = assert_wrong_gets_the_hint(q, wrong)
                assert verdict.message.startswith("Not quite"), (q.key, wrong)
            for text in ("half", "", "0.6.2", "a lot"):
                assert_asks_for_a_number(q, text)
            for text in ("nan", "inf"):
                assert not check(q, text).correct


# --------------------------------------------------------------------------- lesson 02, by hand
def test_02_f1_by_hand():
    q = by_key("02")["f1"]
    x1, W_xf, W_hf, b_f = (number(n, q.prompt) for n in ("x<sub>1</sub>", "W<sub>xf</sub>", "W<sub>hf</sub>",
                                                           "b<sub>f</sub>"))
    assert (x1, W_xf, W_hf, b_f) == (1.0, 0.5, 0.1, 0.0)  # the seed's forget row and first input
    assert "h<sub>0</sub> = 0" in q.prompt
    f1 = 1.0 / (1.0 + math.exp(-(0.5 * 1 + 0)))
    assert abs(q.answer - f1) < 1e-12
    assert f"{q.answer:.4f}" == "0.6225"  # the seed printed Forget Gate: 0.6225
    assert not check(q, "0.6457").correct  # the input gate's value, a likely mix-up
    assert not check(q, "0.5").correct  # z, not σ(z)


def test_02_c1_by_hand():
    q = by_key("02")["c1"]
    c1 = sigma(0.6 * 1 + 0.2 * 0 + 0) * math.tanh(0.7 * 1 + 0.3 * 0 + 0)  # i_1 g_1, since c_0 = 0
    assert abs(q.answer - c1) < 1e-12
    assert abs(q.answer - hand_scalar()[0]["c"]) < 1e-12
    assert f"{q.answer:.4f}" == "0.3902"  # the seed printed Cell State: 0.3902
    assert not check(q, "0.6044").correct  # g_1 alone


def test_02_readout5_by_hand():
    q = by_key("02")["readout5"]
    h3 = hand_scalar()[-1]["h"]
    assert abs(4 * h3 - 3.4827) < 5e-5  # the seed's own prediction, 4 h_3
    assert abs(q.answer - 5 * h3) < 1e-12
    assert f"{q.answer:.4f}" == f"{5 * h3:.4f}" == "4.3534"
    assert not check(q, "3.4827").correct  # the seed's W_y = 4 answer


# --------------------------------------------------------------------------- lesson 03, by hand
def test_03_n_params_by_hand():
    q = by_key("03")["n_params"]
    H, D, O = 2, 1, 1
    count = 4 * H * D + 4 * H * H + 4 * H + O * H + O  # W_x, W_h, b, W_y, b_y
    seed_count = sum(len(row) for k in ("Wf", "Wi", "Wc", "Wo") for row in VECTOR[k]) + 8 + 2 + 1
    assert q.answer == count == seed_count == 35
    assert check(q, "35").correct and not check(q, "32").correct and not check(q, "34").correct


def test_03_forget_unit_by_hand():
    q = by_key("03")["forget_unit"]
    steps, _ = hand_vector()
    f3 = steps[-1]["f"]
    assert [f"{v:.8f}" for v in f3] == ["0.94137211", "0.91405749"]  # the seed's step 3 forget gate
    assert q.answer == ("unit 1" if f3[0] > f3[1] else "unit 2") == "unit 1"
    assert q.choices == ("unit 1", "unit 2")


def test_03_prediction_by_hand():
    q = by_key("03")["prediction"]
    _, prediction = hand_vector()
    assert abs(prediction - 0.6893280487995376) < 1e-12  # the seed's Final Prediction
    assert abs(q.answer - prediction) < 1e-12
    assert "4" in q.prompt  # the value the seed wanted
    assert not check(q, "4").correct and not check(q, "3.3107").correct  # the target, the difference


# --------------------------------------------------------------------------- the widgets
@pytest.mark.parametrize("lesson", ["02", "03"])
def test_every_question_has_a_widget(lesson):
    for q in questions_for(lesson):
        widget = explore.quiz(lesson, q.key)
        assert isinstance(widget, QuestionWidget) and widget.question.key == q.key
        if q.choices:
            assert tuple(widget.answer.options) == q.choices and widget.answer.value is None
            assert "Pick one" in widget.check().message  # nothing picked yet
            widget.answer.value = next(c for c in q.choices if c != q.answer)
            assert not widget.check().correct and "Not quite" in widget.feedback.value
            widget.answer.value = q.answer
        else:
            widget.answer.value = "two"
            assert "Please type a number" in widget.check().message
            widget.answer.value = f"{q.answer + 1:.4f}"
            assert not widget.check().correct and "Not quite" in widget.feedback.value
            assert q.hint in widget.feedback.value
            widget.answer.value = f"{q.answer:.4f}"
        verdict = widget.check()
        assert verdict.correct
        assert "Right" in widget.feedback.value and "#009E73" in widget.feedback.value
        widget.reveal()
        assert f"Answer: {q.shown_answer}." in widget.feedback.value
        assert q.explanation in widget.feedback.value
        assert "application/vnd.jupyter.widget-view+json" in widget._repr_mimebundle_()


def test_quiz_02_f1_widget_by_hand():
    widget = QuestionWidget(by_key("02")["f1"])
    widget.answer.value = "0.6225"  # typed by a learner who computed σ(0.5) by hand
    assert widget.check().correct and "Right" in widget.feedback.value
    widget.reveal()
    assert "Answer: 0.6225." in widget.feedback.value
    widget.check_button.click()  # the buttons are wired to the same methods
    assert "Right" in widget.feedback.value
    widget.reveal_button.click()
    assert "Answer: 0.6225." in widget.feedback.value


def test_quiz_can_be_called_again_and_again():
    """Regression: importing the widget module once rebound ``explore.quiz`` to that module."""
    first = explore.quiz("02", "f1")
    second = explore.quiz("02", "f1")
    third = explore.quiz("03", "forget_unit")
    assert isinstance(explore.quiz, types.FunctionType)
    import lstm_core.explore.explorers.quizzes  # noqa: F401  (importing the submodule again changes nothing)

    assert isinstance(explore.quiz, types.FunctionType)
    assert explore.quiz("02", "c1").question.key == "c1"
    assert first is not second and first.question == second.question
    assert third.question.choices == ("unit 1", "unit 2")
    with pytest.raises(KeyError, match="no question"):
        explore.quiz("02", "nope")
