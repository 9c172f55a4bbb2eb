"""Predict-then-reveal questions as widgets. The questions and the checker live in lstm_core."""

import ipywidgets as widgets

from lstm_core.lessons.questions import check, questions_for


class QuestionWidget:
    """Prompt, an answer box (or options), Check (right/wrong with a hint) and Show answer."""

    def __init__(self, question):
        self.question = question
        if question.choices:
            self.answer = widgets.RadioButtons(options=list(question.choices), value=None,
                                               layout=widgets.Layout(width="auto"))
        else:
            self.answer = widgets.Text(placeholder="type a number", layout=widgets.Layout(width="160px"))
        self.check_button = widgets.Button(description="Check", button_style="primary")
        self.reveal_button = widgets.Button(description="Show answer")
        self.feedback = widgets.HTML()
        self.check_button.on_click(lambda _: self.check())
        self.reveal_button.on_click(lambda _: self.reveal())
        self.widget = widgets.VBox([
            widgets.HTMLMath(f"<b>Question.</b> {question.prompt}"),
            self.answer,
            widgets.HBox([self.check_button, self.reveal_button]),
            self.feedback,
        ])
        self.widget.add_class("lstm-question")

    def check(self):
        verdict = check(self.question, self.answer.value)
        colour = "#009E73" if verdict.correct else "#D55E00"
        self.feedback.value = f"<span style='color:{colour}'>{verdict.message}</span>"
        return verdict

    def reveal(self):
        self.feedback.value = f"<b>Answer: {self.question.shown_answer}.</b> {self.question.explanation}"

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def quiz(lesson, key):
    """The question ``key`` of ``lesson`` as a widget, e.g. ``quiz("02", "f1")``."""
    for question in questions_for(lesson):
        if question.key == key:
            return QuestionWidget(question)
    raise KeyError(f"lesson {lesson} has no question {key!r}")
