"""The checks every lesson's questions share: the answer is right, a wrong number or choice gets the
hint, text that is no number is asked for a number, and each quiz widget takes its answer."""

import re

from lstm_core.lessons.questions import check, questions_for


def by_key(lesson):
    """A lesson's questions by their key."""
    return {q.key: q for q in questions_for(lesson)}


def number(name, prompt):
    """The number after ``name = `` in a prompt."""
    match = re.search(rf"{name} = (-?\d+(?:\.\d+)?)", prompt)
    assert match, f"{name} not in prompt: {prompt}"
    return float(match[1])


def assert_right(q):
    """The question's own answer is right; returns the verdict."""
    verdict = check(q, q.answer)
    assert verdict.correct and verdict.message.startswith("Right!"), q.key
    return verdict


def assert_right_typed(q):
    """A number question's answer typed with 4 decimals, as the prompts ask, is right."""
    assert check(q, f"{q.answer:.4f}").correct


def assert_the_answer_is_right(q):
    """The answer is right, and for a number question also typed with 4 decimals."""
    assert_right(q)
    if not q.choices:
        assert_right_typed(q)


def assert_wrong_gets_the_hint(q, wrong):
    """A wrong answer is not correct and its message carries the hint."""
    verdict = check(q, wrong)
    assert not verdict.correct and q.hint in verdict.message
    return verdict


def assert_wrong_gets_exactly_the_hint(q, wrong):
    """A wrong answer is not correct and its message is exactly 'Not quite. Hint: ' and the hint."""
    verdict = check(q, wrong)
    assert not verdict.correct
    assert verdict.message == "Not quite. Hint: " + q.hint


def assert_asks_for_a_number(q, text):
    """Text that is no number is not correct and gets 'Please type a number'."""
    verdict = check(q, text)
    assert not verdict.correct and "Please type a number" in verdict.message


def assert_quiz_widgets_take_the_answers(lesson, questions):
    """Each question's quiz widget: the answer (picked, or typed with 4 decimals) checks, Reveal shows it."""
    from lstm_core import explore

    for q in questions:
        w = explore.quiz(lesson, q.key)
        w.answer.value = q.answer if q.choices else f"{q.answer:.4f}"
        assert w.check().correct
        w.reveal()
        assert q.shown_answer in w.feedback.value
