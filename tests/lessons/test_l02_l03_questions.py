"""Lessons 02 and 03: every question's answer is right by its own checker, wrong answers get the hint,
text that is no number gets a clear ask, and each answer equals an independent hand calculation made
here in plain Python from the worked examples' numbers (as printed in shared/seeds). The quiz widgets too."""

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
from helpers.reference import sig

# The scalar worked example's lstm_params: (W_x, W_h, b) per gate; X = [1, 2, 3]; y_pred = 4 * last_hidden
SCALAR = {"forget": (0.5, 0.1, 0.0), "input": (0.6, 0.2, 0.0), "cell": (0.7, 0.3, 0.0), "output": (0.8, 0.4, 0.0)}
# The vector worked example's manual_params: rows [W_x | W_h] over [x; h], biases per unit
VECTOR = {
    "Wf": [[0.7, 0.2, 0.3], [0.6, 0.3, 0.1]], "Wi": [[0.2, 0.4, 0.1], [0.1, 0.5, 0.2]],
    "Wc": [[0.5, 0.3, 0.2], [0.2, 0.4, 0.1]], "Wo": [[0.1, 0.5, 0.3], [0.2, 0.3, 0.4]],
    "bf": [0.5, 0.4], "bi": [0.1, 0.2], "bc": [0.3, 0.1], "bo": [0.2, 0.1], "Wy": [0.6, 0.4], "by": 0.1,
}
XS = [1.0, 2.0, 3.0]


def hand_scalar(params=SCALAR, xs=XS):
    """The worked example's loop, in plain Python: a list of per-step dicts."""
    h = c = 0.0
    steps = []
    for x in xs:
        f = sig(params["forget"][0] * x + params["forget"][1] * h + params["forget"][2])
        i = sig(params["input"][0] * x + params["input"][1] * h + params["input"][2])
        g = math.tanh(params["cell"][0] * x + params["cell"][1] * h + params["cell"][2])
        o = sig(params["output"][0] * x + params["output"][1] * h + params["output"][2])
        c = f * c + i * g
        h = o * math.tanh(c)
        steps.append({"f": f, "i": i, "g": g, "o": o, "c": c, "h": h})
    return steps


def hand_vector(xs=XS, VECTOR=VECTOR):
    """The vector worked example's loop over [x; h], in plain Python lists (H = 2)."""
    h, c = [0.0, 0.0], [0.0, 0.0]
    steps = []
    for x in xs:
        concat = [x] + h
        pre = {k: [sum(w * v for w, v in zip(VECTOR["W" + k][u], concat)) + VECTOR["b" + k][u] for u in range(2)]
               for k in "fico"}
        f, i, o = ([sig(z) for z in pre[k]] for k in "fio")
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
    assert (x1, W_xf, W_hf, b_f) == (1.0, 0.5, 0.1, 0.0)  # the worked example's forget row and first input
    assert "h<sub>0</sub> = 0" in q.prompt
    f1 = 1.0 / (1.0 + math.exp(-(0.5 * 1 + 0)))
    assert abs(q.answer - f1) < 1e-12
    assert f"{q.answer:.4f}" == "0.6225"  # the worked example printed Forget Gate: 0.6225
    assert not check(q, "0.6457").correct  # the input gate's value, a likely mix-up
    assert not check(q, "0.5").correct  # z, not σ(z)


def test_02_c1_by_hand():
    q = by_key("02")["c1"]
    c1 = sig(0.6 * 1 + 0.2 * 0 + 0) * math.tanh(0.7 * 1 + 0.3 * 0 + 0)  # i_1 g_1, since c_0 = 0
    assert abs(q.answer - c1) < 1e-12
    assert abs(q.answer - hand_scalar()[0]["c"]) < 1e-12
    assert f"{q.answer:.4f}" == "0.3902"  # the worked example printed Cell State: 0.3902
    assert not check(q, "0.6044").correct  # g_1 alone


def assert_feedback_names_the_misconception(q, choice, words):
    """A wrong choice gets its own feedback (with these words) before the hint."""
    verdict = check(q, choice)
    assert not verdict.correct and words in verdict.message and q.hint in verdict.message
    assert verdict.message.index(words) < verdict.message.index("Hint:")


def test_02_shut_forget_by_hand():
    q = by_key("02")["shut_forget"]
    shut = dict(SCALAR, forget=(0.5, 0.1, -5.0))
    steps, default = hand_scalar(shut), hand_scalar()
    cs = [s["c"] for s in steps]
    assert cs[0] < cs[1] < cs[2]  # c still rises: it does not stop growing
    assert all(abs(s["c"] - s["i"] * s["g"]) < 0.03 for s in steps)  # but it is each step's write alone
    assert default[2]["c"] > default[2]["i"] * default[2]["g"] + 0.5  # while the defaults accumulate
    assert q.answer == q.choices[1] and q.kind == "predict"
    assert_feedback_names_the_misconception(q, q.choices[0], "not the new write")
    assert_feedback_names_the_misconception(q, q.choices[2], "old cell")


def test_02_ignore_x_by_hand():
    q = by_key("02")["ignore_x"]
    largest = {gate: max(abs(s["c"]) for s in hand_scalar(dict(SCALAR, **{name: SCALAR[name][:2] + (-20.0,)})))
               for gate, name in (("i", "input"), ("f", "forget"), ("o", "output"))}
    assert largest["i"] < 1e-6 and largest["f"] > 0.5 and largest["o"] > 1.0
    assert q.answer == "the input gate i"
    assert_feedback_names_the_misconception(q, "the forget gate f", "erases the old memory")
    assert_feedback_names_the_misconception(q, "the output gate o", "shown as h")


def test_02_reach4_by_hand():
    q = by_key("02")["reach4"]
    rng = __import__("random").Random(1)
    for _ in range(300):  # gate weights of any size: 4 h_3 stays below 4
        params = {k: tuple(rng.gauss(0, 20) for _ in range(3)) for k in SCALAR}
        assert abs(4 * hand_scalar(params)[-1]["h"]) <= 4.0
    assert q.answer.startswith("no") and q.kind == "explain"
    for wrong in (c for c in q.choices if c != q.answer):
        assert q.feedback_for(wrong)


# --------------------------------------------------------------------------- lesson 03, by hand
def test_03_n_params_by_hand():
    q = by_key("03")["n_params"]
    H, D, O = 3, 1, 1
    assert number("H", q.prompt) == 2 and f"H = {H} units" in q.prompt  # asks past what the page prints
    count = 4 * H * D + 4 * H * H + 4 * H + O * H + O  # W_x, W_h, b, W_y, b_y
    example_count = sum(len(row) for k in ("Wf", "Wi", "Wc", "Wo") for row in VECTOR[k]) + 8 + 2 + 1
    assert q.answer == count == 64 and example_count == 35  # the example's own network holds 35
    assert check(q, "64").correct and not check(q, "35").correct and not check(q, "60").correct  # 60: no readout


def test_03_step1_same_by_hand():
    q = by_key("03")["step1_same"]
    changed = dict(VECTOR, Wf=[[0.7, 0.2, 3.0], [0.6, 0.3, 0.1]])  # unit 1's forget row, weight from h[2]
    before, after = (hand_vector(VECTOR=v)[0] for v in (VECTOR, changed))
    assert before[0]["f"][0] == after[0]["f"][0]  # h_0 = 0: step 1 cannot change
    assert all(abs(before[t]["f"][0] - after[t]["f"][0]) > 0.01 for t in (1, 2))
    assert q.answer == "only f_2 and f_3"
    assert_feedback_names_the_misconception(q, "all three: f_1, f_2 and f_3", "h_0 = 0")


def test_03_bound_by_hand():
    q = by_key("03")["bound"]
    assert q.answer == pytest.approx(abs(0.6) + abs(0.4) + abs(0.1))
    assert not check(q, "0.6893").correct and not check(q, "1.0").correct and not check(q, "4").correct


def test_03_lift_by_hand():
    q = by_key("03")["lift"]
    open_f = dict(VECTOR, bf=[10.0, 10.0])
    open_o = dict(VECTOR, bo=[10.0, 10.0])
    bigger = dict(VECTOR, Wy=[3.6, 2.4], by=0.6)
    assert hand_vector(VECTOR=open_f)[1] < 1.1 and hand_vector(VECTOR=open_o)[1] < 1.1
    assert hand_vector(VECTOR=bigger)[1] > 4.0
    assert q.answer == "change the readout W_y, b_y"
    for wrong in (c for c in q.choices if c != q.answer):
        assert_feedback_names_the_misconception(q, wrong, "bound")


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
    third = explore.quiz("03", "step1_same")
    assert isinstance(explore.quiz, types.FunctionType)
    import lstm_core.explore.explorers.quizzes  # noqa: F401  (importing the submodule again changes nothing)

    assert isinstance(explore.quiz, types.FunctionType)
    assert explore.quiz("02", "c1").question.key == "c1"
    assert first is not second and first.question == second.question
    assert third.question.choices[1] == "only f_2 and f_3"
    with pytest.raises(KeyError, match="no question"):
        explore.quiz("02", "nope")
