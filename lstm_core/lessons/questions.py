"""Predict-then-reveal questions: the prompts, and a checker whose answers come from the math.

Each lesson has a module in ``lstm_core.lessons`` (``l02_step`` ...) whose ``questions()`` builds its questions by
running lstm_core, so an answer can never drift from what the explorers show.
"""

import importlib
import math
from dataclasses import dataclass

# The lesson number of each notebook -> the module of lstm_core.lessons with its math and questions
LESSON_MODULES = {
    "00": "l00_start",
    "01": "l01_switches",
    "02": "l02_step",
    "03": "l03_vector",
    "04": "l04_conveyor_belt",
    "05": "l05_gradients",
    "06": "l06_training",
    "07": "l07_layouts",
    "08": "l08_variants",
    "09": "l09_text",
}


#: what a question asks the learner to do: work a number out, predict what the model will do, or say why
KINDS = ("compute", "predict", "explain")


@dataclass(frozen=True)
class Question:
    """One question. ``choices`` empty means the learner types a number within ``tol``.

    ``feedback`` holds ``(choice, text)`` pairs: a wrong choice that stands for a known misconception gets its own
    text, naming that misconception, before the hint. ``kind`` is one of KINDS. ``tells`` holds phrases that
    would answer the question if the page showed them above it (a heading "gradients can also grow", a table
    row "weight_ih_l0 (4H, D)"); tests/lessons/test_questions_placement.py looks for them, and for the answer
    itself, in every cell above the question.
    """

    key: str
    prompt: str
    answer: object  # float for typed answers, one of ``choices`` otherwise
    hint: str
    explanation: str
    choices: tuple = ()
    tol: float = 0.005
    feedback: tuple = ()  # ((wrong choice, what that choice misunderstands), ...)
    kind: str = "compute"
    tells: tuple = ()  # phrases that give the answer away when shown above the question

    def __post_init__(self):
        if self.choices and self.answer not in self.choices:
            raise ValueError(f"{self.key}: answer {self.answer!r} is not among the choices {self.choices}")
        if self.kind not in KINDS:
            raise ValueError(f"{self.key}: kind {self.kind!r} is not one of {KINDS}")
        for choice, text in self.feedback:
            if choice not in self.choices or choice == self.answer:
                raise ValueError(f"{self.key}: feedback for {choice!r}, which is not a wrong choice")
            if not text:
                raise ValueError(f"{self.key}: empty feedback for {choice!r}")

    def feedback_for(self, choice):
        """The text for a wrong ``choice`` that names its misconception, or None."""
        return dict(self.feedback).get(choice)

    @property
    def shown_answer(self):
        if self.choices:
            return str(self.answer)
        return f"{self.answer:.0f}" if float(self.answer).is_integer() else f"{self.answer:.4f}"


@dataclass(frozen=True)
class Verdict:
    correct: bool
    message: str


def check(question, response):
    """Is ``response`` right? A wrong answer gets the hint (a wrong choice with feedback gets that first);
    text that is no number gets a clear ask."""
    if question.choices:
        if response not in question.choices:
            return Verdict(False, "Pick one of the options first.")
        right = response == question.answer
    else:
        try:
            value = float(str(response).strip().replace(",", "."))
        except ValueError:
            return Verdict(False, f"Please type a number, like 0.25 (got {str(response)!r}).")
        if not math.isfinite(value):
            return Verdict(False, "Please type a finite number.")
        right = abs(value - question.answer) <= question.tol
    if right:
        return Verdict(True, "Right! " + question.explanation)
    if question.choices and question.feedback_for(response):
        return Verdict(False, "Not quite. " + question.feedback_for(response) + " Hint: " + question.hint)
    return Verdict(False, "Not quite. Hint: " + question.hint)


def questions_for(lesson):
    """The questions of one lesson, e.g. ``questions_for("02")``, computed now from lstm_core."""
    module = importlib.import_module(f".{LESSON_MODULES[lesson]}", __package__)
    return module.questions()
