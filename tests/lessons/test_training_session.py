"""Lesson 06's TrainingSession, without widgets: the numbers the Train button's explorer shows.

A run must record the loss of every step exactly as ``lstm_core.train`` does with the same settings
from the same start weights (built here), ``stop()`` must end a run early, a run started while one is
in progress must be refused, and the activations before and after must be ``forward`` of the start
and the trained params on 1, 2, 3.
"""

import numpy as np
import pytest

from lstm_core import LSTMParams, forward, mse_loss, train
from lstm_core.examples import VECTOR_CONCAT
from lstm_core.gates import QUANTITIES
from lstm_core.lessons.training_session import TrainingSession
from lstm_core.tasks import COUNT_TASK, COUNT_TRAINING, counting

XS, YS = counting(**COUNT_TASK)
ONE_TWO_THREE = np.array([1.0, 2.0, 3.0])


def start_params(H):
    if H == 2:
        return LSTMParams.from_concat(**VECTOR_CONCAT)
    return LSTMParams.random(1, H, 1, seed=COUNT_TASK["seed"])


def assert_same_params(a, b):
    for name, arr in b.arrays().items():
        np.testing.assert_array_equal(a.arrays()[name], arr, err_msg=name)


def assert_same_trace(a, b):
    for k in QUANTITIES:
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k), err_msg=k)
    np.testing.assert_array_equal(a.prediction, b.prediction)


def test_the_defaults_are_the_lessons_and_nothing_is_trained_yet():
    s = TrainingSession()
    assert s.settings == {"lr": COUNT_TRAINING["lr"], "H": 2, "steps": COUNT_TRAINING["steps"]}
    assert s.state == "idle" and not s.running
    assert s.losses == [] and s.history.loss == [] and s.after is None and s.change is None
    assert s.steps_done == 0 and s.previous is None and s.run_settings is None
    assert_same_params(s.params, start_params(2))
    assert s.start_loss == mse_loss(start_params(2), XS, YS)[0]
    assert_same_trace(s.before, forward(start_params(2), ONE_TWO_THREE))


@pytest.mark.parametrize("H, lr, steps", [(2, COUNT_TRAINING["lr"], 60), (3, 0.1, 30), (1, 1e-3, 20)])
def test_a_run_records_one_loss_per_step_as_train_does(H, lr, steps):
    s = TrainingSession(lr=lr, hidden_size=H, steps=steps)
    progress = []
    assert s.run(on_progress=progress.append, every=10) == "done"
    learned, history = train(start_params(H), XS, YS, steps=steps, lr=lr, seed=COUNT_TRAINING["seed"])
    assert s.state == "done" and s.error is None
    assert len(s.history.loss) == steps
    assert s.history.loss == history.loss and s.history.final_loss == history.final_loss  # bit for bit
    assert s.losses == history.loss + [history.final_loss]
    assert s.steps_done == steps
    assert progress == list(range(10, steps, 10))
    assert_same_params(s.params, learned)
    assert s.run_settings == {"lr": lr, "H": H, "steps": steps}


def test_before_and_after_are_forward_on_the_before_and_after_params():
    s = TrainingSession(hidden_size=4, steps=40)
    s.run()
    learned, _ = train(start_params(4), XS, YS, steps=40, lr=COUNT_TRAINING["lr"], seed=COUNT_TRAINING["seed"])
    before, after = forward(start_params(4), ONE_TWO_THREE), forward(learned, ONE_TWO_THREE)
    assert_same_trace(s.before, before)
    assert_same_trace(s.after, after)
    for k in QUANTITIES:  # the mean |after − before| by a plain loop
        diffs = [abs(getattr(after, k)[t][u] - getattr(before, k)[t][u]) for t in range(3) for u in range(4)]
        assert s.change[k] == pytest.approx(sum(diffs) / len(diffs), rel=1e-12, abs=1e-15), k


def test_stop_ends_the_run_before_the_next_update():
    s = TrainingSession(steps=200)
    seen = []

    def on_progress(step):
        seen.append(step)
        if step == 50:
            s.stop()

    assert s.run(on_progress=on_progress, every=10) == "stopped"
    assert seen == [10, 20, 30, 40, 50] and s.state == "stopped" and s.error is None
    # the callback of step 50 returned True: train stops there, with the params after 50 updates
    learned, history = train(start_params(2), XS, YS, steps=200, lr=COUNT_TRAINING["lr"], seed=COUNT_TRAINING["seed"],
                             callback=lambda step, loss, params: step == 50)
    assert s.history.loss == history.loss and len(s.history.loss) == 51 and s.history.stopped_early
    assert s.history.final_loss == history.final_loss == history.loss[-1]
    assert s.losses == history.loss and s.steps_done == 50
    assert_same_params(s.params, learned)
    assert_same_trace(s.after, forward(learned, ONE_TWO_THREE))
    s.stop()  # not running: nothing to stop
    assert s.state == "stopped"
    assert s.run() == "done" and len(s.history.loss) == 200  # the next run starts fresh


def test_a_run_while_running_is_refused_and_the_first_run_is_intact():
    s = TrainingSession(steps=30)
    refused = []

    def on_progress(step):
        assert s.running and s.state == "running"
        for call in (s.run, lambda: s.configure(0.1, 3, 20), s.forget_runs):
            with pytest.raises(RuntimeError):
                call()
            refused.append(step)

    s.run(on_progress=on_progress, every=10)
    assert refused == [10, 10, 10, 20, 20, 20]
    _, history = train(start_params(2), XS, YS, steps=30, lr=COUNT_TRAINING["lr"], seed=COUNT_TRAINING["seed"])
    assert s.state == "done" and s.history.loss == history.loss and s.settings["steps"] == 30


def test_on_start_sees_an_empty_run_and_the_previous_one():
    s = TrainingSession(steps=20)
    s.run()
    first = list(s.losses)
    starts = []
    s.run(on_start=lambda: starts.append((s.state, list(s.losses), s.after, s.previous)))
    assert starts == [("running", [], None, (first, {"lr": COUNT_TRAINING["lr"], "H": 2, "steps": 20}))]


def test_configure_starts_over_and_keeps_the_last_run_as_previous():
    s = TrainingSession(steps=20)
    s.run()
    first = list(s.losses)
    s.configure(0.1, 3, 30)
    assert s.state == "idle" and s.losses == [] and s.after is None and s.history.loss == []
    assert s.previous == (first, {"lr": COUNT_TRAINING["lr"], "H": 2, "steps": 20})
    assert_same_params(s.params, start_params(3))
    s.configure(0.1, 3, 40)  # no run since: the previous run stays
    assert s.previous[0] == first
    s.forget_runs()
    assert s.previous is None and s.losses == []


def test_a_loss_that_is_no_longer_finite_stops_the_run(monkeypatch):
    from lstm_core.lessons import training_session

    def failing(params, xs, ys, steps, lr, seed, callback):
        for k in range(3):
            callback(k, 5.0 - k, params.copy())
        raise ValueError("train: the loss is nan at step 3; lower lr or set clip")

    monkeypatch.setattr(training_session, "train", failing)
    s = TrainingSession()
    assert s.run() == "stopped"
    assert "nan" in s.error and s.history.loss == [5.0, 4.0, 3.0] and s.history.stopped_early
    assert s.history.final_loss == 3.0 and s.losses == [5.0, 4.0, 3.0] and s.after is not None
