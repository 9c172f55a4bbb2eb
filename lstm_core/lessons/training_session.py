"""Lesson 06's training session: the runs of the explorer's Train button, with no widgets.

``TrainingSession`` holds the settings of the next run (lr, H, steps), trains from the start weights of that H
(``l06_training.counting_start``) with ``lstm_core.train``, records the loss of every step, can be stopped, and
reads what the run changed (``l06_training.activation_change``). The explorer
(``lstm_core.explore.explorers.train_to_count``) only shows it.
"""

import numpy as np

from ..checks import expect_int
from ..examples import SEQUENCE
from ..loss import mse_loss
from ..sequence import forward
from ..tasks import COUNT_TASK, COUNT_TRAINING, counting
from ..gradient_descent import History, train
from .l06_training import activation_change, counting_start

IDLE, RUNNING, DONE, STOPPED = "idle", "running", "done", "stopped"


class TrainingSession:
    """Lesson 06's runs of ``train`` on the counting task, with no widgets: settings, history, state.

    ``configure(lr, hidden_size, steps)`` sets the settings of the next run and goes back to the start
    weights of that H (``counting_start``); ``run()`` trains from them with ``lstm_core.train`` and
    records the loss of every step. ``state`` is ``"idle"`` (no run since the settings were set),
    ``"running"``, ``"done"`` or ``"stopped"`` (``stop()`` was called during the run, or the loss was no
    longer finite: then ``error`` says why).

    Read after a run: ``params`` (the trained params; the start params before a run), ``history``
    (``lstm_core.gradient_descent.History``), ``losses`` (the curve: the loss of the params after 0, 1, ... updates,
    ending with ``history.final_loss`` when the run finished), ``steps_done``, ``before`` and ``after``
    (``forward`` of the start and trained params on 1, 2, 3; ``after`` is None before a run), ``change``
    (``activation_change(before, after)``). ``run_settings`` are the settings the shown run used;
    ``previous`` is ``(losses, settings)`` of the run before it, or None.
    """

    def __init__(self, lr=COUNT_TRAINING["lr"], hidden_size=2, steps=COUNT_TRAINING["steps"], task=COUNT_TASK,
                 seed=COUNT_TRAINING["seed"]):
        self.task = dict(task)
        self.seed = seed
        self.xs, self.ys = counting(**self.task)  # (T, B, 1), (B, 1)
        self.sequence = np.array(SEQUENCE, dtype=np.float64)  # (T,): 1, 2, 3
        self.state = IDLE
        self.previous = None
        self.run_settings = None
        self.losses = []
        self.configure(lr, hidden_size, steps)

    @property
    def running(self):
        return self.state == RUNNING

    @property
    def settings(self):
        """``{"lr", "H", "steps"}``: what the next run uses."""
        return {"lr": self.lr, "H": self.hidden_size, "steps": self.steps}

    def configure(self, lr, hidden_size, steps):
        """New settings: back to the start weights of this H; the run shown (if any) becomes ``previous``."""
        if self.running:
            raise RuntimeError("TrainingSession.configure: a run is in progress")
        self.lr, self.steps = lr, expect_int("steps", steps, minimum=0)
        self.hidden_size = expect_int("hidden_size", hidden_size)
        self._retire()
        self.start_params = counting_start(self.hidden_size, self.task["seed"])
        self.start_loss = mse_loss(self.start_params, self.xs, self.ys)[0]
        self.before = forward(self.start_params, self.sequence)
        self._clear()
        self.state = IDLE

    def forget_runs(self):
        """No run shown and no previous run (Reset)."""
        if self.running:
            raise RuntimeError("TrainingSession.forget_runs: a run is in progress")
        self.previous, self.run_settings, self.losses = None, None, []

    def _retire(self):
        if self.run_settings is not None:
            self.previous = (self.losses, self.run_settings)
        self.run_settings, self.losses = None, []

    def _clear(self):
        self.params = self.start_params.copy()
        self.history = History()
        self.after = None
        self.change = None
        self.error = None
        self._stop = False

    @property
    def steps_done(self):
        return max(len(self.losses) - 1, 0)

    def stop(self):
        """Ask a run in progress to stop before its next update (no effect when idle)."""
        if self.running:
            self._stop = True

    def run(self, on_start=None, on_progress=None, every=1):
        """Train from the start weights with the current settings; return the new ``state``.

        ``on_start()`` is called once the run is set up (nothing trained yet), ``on_progress(step)``
        after the loss of step ``step`` is recorded, for every ``every``-th step > 0. A call while a run is
        in progress (from one of those callbacks) raises RuntimeError: one run at a time.
        """
        if self.running:
            raise RuntimeError("TrainingSession.run: a run is already in progress")
        self._retire()
        self._clear()
        self.run_settings = self.settings
        losses = self.losses
        self.state = RUNNING
        last = {}
        try:
            if on_start is not None:
                on_start()

            def callback(step, loss, params):
                # called before update ``step``: ``params`` have had ``step`` updates, and this is their loss
                losses.append(loss)
                last["params"] = params
                if on_progress is not None and step % every == 0 and step > 0:
                    on_progress(step)
                return self._stop

            try:
                params, history = train(self.start_params, self.xs, self.ys, steps=self.steps, lr=self.lr,
                                        seed=self.seed, callback=callback)
            except ValueError as exc:  # a loss that is no longer finite
                self.error = str(exc)
                params = last.get("params", self.start_params.copy())
                history = History(loss=list(losses), stopped_early=True, final_loss=losses[-1] if losses else None)
            else:
                if not history.stopped_early:
                    losses.append(history.final_loss)  # after the last update: the curve runs 0 .. steps
            self.params, self.history = params, history
            self.after = forward(params, self.sequence)
            self.change = activation_change(self.before, self.after)
            self.state = STOPPED if history.stopped_early else DONE
        finally:
            if self.state == RUNNING:  # an error from a callback: the run is over all the same
                self.state = STOPPED
        return self.state


__all__ = ["DONE", "IDLE", "RUNNING", "STOPPED", "TrainingSession"]
