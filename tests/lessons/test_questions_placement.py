"""Every question is asked before its answer is on screen, and every lesson asks enough questions that make
the learner think.

For each ``explore.quiz("NN", "key")`` cell of a stored notebook, nothing above it may show the question's
answer: not the outputs of the cells above (printed text, plain-text and Markdown/HTML results), not the
markdown above (prose, headings, the "What you'll learn" list at the top), not the code above. The answer is
looked for as a number in the forms it could be printed in, as a choice's text, and as any of the question's
``tells`` (phrases that would answer it: "can also grow", "weight_ih_l0 (4H, D)"). The planted cases at the
bottom show that the check fails on the pages as they stood when 11 questions could be answered from above them.
"""

import json
import re
from pathlib import Path

import pytest

from lstm_core.lessons.questions import LESSON_MODULES, questions_for

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
QUIZ = re.compile(r"""explore\.quiz\(\s*["'](\d\d)["']\s*,\s*["']([^"']+)["']\s*\)""")


def notebook_path(lesson):
    (path,) = sorted(NOTEBOOKS.glob(f"{lesson}_*.ipynb"))
    return path


def output_text(cell):
    """What a code cell shows: its printed text and its text results (widget views show no answer)."""
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append("".join(out["text"]))
        for mime in ("text/plain", "text/markdown", "text/html"):
            data = out.get("data", {}).get(mime)
            if data is not None and "application/vnd.jupyter.widget-view+json" not in out.get("data", {}):
                parts.append("".join(data))
    return "\n".join(parts)


def shown_text(cell):
    """What a learner sees of a cell above a question: markdown as written, code and its outputs."""
    source = "".join(cell["source"])
    if cell["cell_type"] == "markdown":
        return source
    if cell["cell_type"] == "code":
        return source + "\n" + output_text(cell)
    return ""


def normalized(text):
    """Lower case, HTML tags and Markdown's backticks and emphasis dropped, runs of white space one space: a
    phrase broken over two lines of a Markdown cell, or set in `code`, still matches."""
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"[`*]", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def quiz_cells(cells):
    """(index, lesson, key) of every quiz cell, in order."""
    found = []
    for n, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            for lesson, key in QUIZ.findall("".join(cell["source"])):
                found.append((n, lesson, key))
    return found


def printed_numbers(text):
    """(value, half of its last digit, decimals, in e-notation) of every number printed in ``text``:
    0.6225 -> (0.6225, 0.00005, 4, False)."""
    found = []
    for m in re.finditer(r"(?<![\w.])(\d+)(?:\.(\d+))?(?:[eE]([-+]?\d+))?", text):
        whole, frac, exp = m.groups()
        digits = len(frac) if frac else 0
        value = float(m[0])
        # a number printed with more than 4 decimals still shows the 4 the prompts ask for
        half = 0.5 * 10.0 ** (-min(digits, 4) + (int(exp) if exp else 0))
        found.append((value, half, digits, exp is not None))
    return found


def shows_number(answer, text):
    """The printed numbers of ``text`` that are ``answer``, rounded as printed: 0.6225 or 0.62245933 for
    0.6224593, 39 for 39. A one-digit whole number (t = 3, H = 2) is everywhere in a lesson and tells
    nothing, so whole numbers count from 10 up, and a number with decimals needs at least two of them
    (or one, from 10 up), so that 0.5 is not taken for 0.4812."""
    answer = abs(float(answer))
    hits = []
    for value, half, digits, sci in printed_numbers(text):
        if answer.is_integer() and not sci and digits == 0:
            if answer >= 10 and value == answer:
                hits.append(value)
        elif not answer.is_integer() and (sci or digits >= (1 if answer >= 10 else 2)):
            if abs(value - answer) <= half * (1 + 1e-9):
                hits.append(value)
    return hits


def giveaways(question, shown):
    """The ways ``question``'s answer appears in the text ``shown``: its tells, then the answer itself."""
    flat = normalized(shown)
    found = [tell for tell in question.tells if normalized(tell) in flat]
    if question.choices:
        # a choice printed beside all the others (a table of the four gate names) singles nothing out
        others = [c for c in question.choices if c != question.answer]
        answer = normalized(question.answer)
        if answer in flat and not all(normalized(c) in flat for c in others):
            found.append(question.answer)
        return found
    return found + shows_number(question.answer, shown)


def placement_problems(cells, questions_of=questions_for):
    """Every (key, form) whose answer is shown by a cell above its quiz cell (markdown, code or output)."""
    problems = []
    for n, lesson, key in quiz_cells(cells):
        question = {q.key: q for q in questions_of(lesson)}[key]
        shown = "\n".join(shown_text(c) for c in cells[:n])
        problems += [(key, form) for form in giveaways(question, shown)]
    return problems


@pytest.mark.parametrize("lesson", sorted(LESSON_MODULES))
def test_no_cell_above_a_question_prints_its_answer(lesson):
    cells = json.loads(notebook_path(lesson).read_text(encoding="utf-8"))["cells"]
    assert placement_problems(cells) == []


@pytest.mark.parametrize("lesson", sorted(LESSON_MODULES))
def test_every_question_of_the_lesson_is_asked_in_its_notebook(lesson):
    cells = json.loads(notebook_path(lesson).read_text(encoding="utf-8"))["cells"]
    asked = [key for _, nb_lesson, key in quiz_cells(cells) if nb_lesson == lesson]
    assert sorted(asked) == sorted(q.key for q in questions_for(lesson))


@pytest.mark.parametrize("lesson", sorted(LESSON_MODULES))
def test_three_questions_two_of_them_about_behaviour_or_mechanism(lesson):
    qs = questions_for(lesson)
    assert len(qs) >= 3
    assert sum(q.kind in ("predict", "explain") for q in qs) >= 2, [(q.key, q.kind) for q in qs]


@pytest.mark.parametrize("lesson", sorted(LESSON_MODULES))
def test_wrong_choices_with_feedback_name_their_misconception(lesson):
    for q in questions_for(lesson):
        if q.choices and q.kind != "compute":
            assert q.feedback, f"{q.key}: a question about behaviour gives feedback on its wrong choices"


# The check fails when it should --------------------------------------------------------------------------------------

def _cell(source, printed=None):
    cell = {"cell_type": "code", "source": [source], "outputs": []}
    if printed is not None:
        cell["outputs"].append({"output_type": "stream", "name": "stdout", "text": [printed]})
    return cell


def _planted(question):
    return lambda lesson: [question]


def _markdown(text):
    return {"cell_type": "markdown", "source": [text]}


def test_planted_number_printed_above_its_question_is_found():
    from lstm_core.lessons.questions import Question

    q = Question(key="k", prompt="?", answer=0.62245933, hint="h", explanation="e")
    cells = [_cell("print(f)", "  Forget Gate: 0.6225\n"), _cell('explore.quiz("02", "k")')]
    assert placement_problems(cells, _planted(q)) == [("k", 0.6225)]
    # more digits of the same number give it away too; the same print below the question is fine, and so are
    # 0.6225 as part of a longer number and another number that shares only its first digits
    assert placement_problems([_cell("x", "f = 0.622459331"), cells[1]], _planted(q)) == [("k", 0.622459331)]
    assert placement_problems(cells[::-1], _planted(q)) == []
    assert placement_problems([_cell("x", "10.6225 and 0.6230 and 0.5"), cells[1]], _planted(q)) == []
    # markdown gives it away as well as an output does, and so does the code of a cell
    assert placement_problems([_markdown("so f ≈ 0.6225 here"), cells[1]], _planted(q)) == [("k", 0.6225)]
    assert placement_problems([_cell("f = 0.6225  # by hand"), cells[1]], _planted(q)) == [("k", 0.6225)]


def test_planted_tells_in_headings_learn_lists_prose_and_outputs_are_found():
    from lstm_core.lessons.questions import Question

    q = Question(key="k", prompt="?", answer="yes", choices=("yes", "no"), hint="h", explanation="e",
                 kind="explain", tells=("can also grow",))
    quiz = _cell('explore.quiz("05", "k")')
    heading = _markdown("# Title\n\n## Gradients can also grow\n")
    learn = _markdown("## What you'll learn\n- Why gradients vanish, why they\n  can *also* grow.\n")
    printed = _cell("print(x)", "a gradient CAN ALSO GROW\n")
    for above in (heading, learn, printed):
        assert placement_problems([above, quiz], _planted(q)) == [("k", "can also grow")], above
        assert placement_problems([quiz, above], _planted(q)) == []  # below the question it is the reveal
    assert placement_problems([_markdown("gradients can also shrink"), quiz], _planted(q)) == []


# What the pages showed above these questions before they were moved or reworded (issue 18): each must be found
# by the question's own tells, so that the same slip cannot come back unnoticed.
PAGES_AS_THEY_STOOD = [
    ("00", "n_weights", _cell("for name, array in params.arrays().items(): ...",
                              "W_x  shape (8, 1)\nW_h  shape (8, 2)\nb    shape (8,)\n")),
    ("02", "reach4", _markdown("## What you'll learn\n- Why the prediction `4 · h_3` cannot reach 4.\n")),
    ("03", "lift", _markdown("## What you'll learn\n- Why these weights predict 0.69 where 4 was expected, and why "
                             "no change of the gates could fix that.\n")),
    ("05", "grows", _markdown("## Why gradients vanish (and sometimes grow)\n")),
    ("05", "grows", _markdown("- Drag b_f and watch ‖∂L/∂x_{T−k}‖ fall, hold or grow with the lag k,\n")),
    ("05", "grows", _markdown("> the orange lines no longer fall; the dashed one even rises a little towards the "
                              "left.\n")),
    ("05", "clip", _markdown("The usual remedy is **gradient clipping**: `lstm_core.train(..., clip=c)` looks at the "
                             "global norm ‖∇‖ of the whole\ngradient (all weights at once) and, when it is above c, "
                             "scales it down to c. Predict what that does:\n")),
    ("06", "extrapolate", _markdown("## What you'll learn\n- What would let it extrapolate: predicting the step "
                                    "instead of the value.\n")),
    ("07", "shape_ih", _cell("rows = layouts.layout_table()", "input weights          W_x (4H, D)           "
                                                              "weight_ih_l0 (4H, D)                 kernel (D, 4H)\n")),
    ("07", "split", _markdown("## What you'll learn\n- Why only `bias_ih + bias_hh` matters in PyTorch, and what "
                              "Keras's `unit_forget_bias` does.\n")),
    ("07", "split", _markdown("sometimes a transpose, and in PyTorch's case two biases where one would do.\n")),
    ("07", "bias_sum", _cell("print(...)", "forget gate   bias_ih    bias_hh    b = bias_ih + bias_hh\n")),
    ("07", "keras_col", _cell("print(...)", "gate  unit   W_x     kernel column   kernel value   Keras's name\n"
                                            "f     1     +0.781    3               +0.781         f\n")),
    ("07", "keras_col", _markdown("and unit u sits in row\nk·H + u of `W_x` and in column k·H + u of Keras's "
                                  "kernel.\n")),
]


@pytest.mark.parametrize("lesson, key, above", PAGES_AS_THEY_STOOD,
                         ids=[f"{lesson}-{key}-{n}" for n, (lesson, key, _) in enumerate(PAGES_AS_THEY_STOOD)])
def test_the_pages_as_they_stood_give_their_questions_away(lesson, key, above):
    quiz = _cell(f'explore.quiz("{lesson}", "{key}")')
    problems = placement_problems([above, quiz])
    assert problems and {k for k, _ in problems} == {key}, problems
    assert placement_problems([quiz, above]) == []


def test_planted_whole_number_and_choice_above_their_questions_are_found():
    from lstm_core.lessons.questions import Question

    steps = Question(key="k", prompt="?", answer=39.0, hint="h", explanation="e", tol=0.5)
    assert placement_problems([_cell("t", " 4.0   39 steps\n"), _cell('explore.quiz("04", "k")')],
                              _planted(steps)) == [("k", 39.0)]
    assert not placement_problems([_cell("t", " 4.0   139 steps\n"), _cell('explore.quiz("04", "k")')],
                                  _planted(steps))
    choice = Question(key="k", prompt="?", answer="g (candidate)", choices=("f (forget gate)", "g (candidate)"),
                      hint="h", explanation="e")
    assert placement_problems([_cell("t", "changed most: g (candidate)\n"), _cell('explore.quiz("06", "k")')],
                              _planted(choice)) == [("k", "g (candidate)")]
    # every choice printed alike (a list of the gates) gives none of them away
    assert not placement_problems([_cell("t", "f (forget gate)\ng (candidate)\n"), _cell('explore.quiz("06", "k")')],
                                  _planted(choice))


def test_feedback_on_a_wrong_choice_comes_before_the_hint_and_only_for_wrong_choices():
    from lstm_core.lessons.questions import Question, check

    q = Question(key="k", prompt="?", answer="a", choices=("a", "b", "c"), hint="the hint", explanation="e",
                 kind="predict", feedback=(("b", "b mistakes x for y."),))
    assert check(q, "b").message == "Not quite. b mistakes x for y. Hint: the hint"
    assert check(q, "c").message == "Not quite. Hint: the hint"
    assert check(q, "a").correct
    with pytest.raises(ValueError, match="not a wrong choice"):
        Question(key="k", prompt="?", answer="a", choices=("a", "b"), hint="h", explanation="e",
                 feedback=(("a", "the answer cannot have feedback"),))
    with pytest.raises(ValueError, match="kind"):
        Question(key="k", prompt="?", answer=1.0, hint="h", explanation="e", kind="guess")
