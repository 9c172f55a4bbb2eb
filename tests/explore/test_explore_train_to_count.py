"""Lesson 06's TrainingExplorer without a browser.

Train is clicked with ``train_button.click()`` (it fires the on_click handlers, as a browser click
does). After each run the explorer's history, params and every readout table must equal
``lstm_core.train`` run HERE with the same settings from start weights built HERE (the vector
seed from its own [x; h] layout, or LSTMParams.random for other H). The progress bar must reach
the number of steps, the curve must be redrawn a few dozen times per run (not every step), and a
click arriving while a run is in progress must not start a second run. Every slider goes to its
minimum, its maximum and 3 random values; Reset restores the seed weights and clears the curves.
"""

import math

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("matplotlib")

from lstm_core import LSTMParams, forward, mse_loss, train  # noqa: E402
from lstm_core import explore  # noqa: E402
from lstm_core.examples import VECTOR_CONCAT  # noqa: E402
from lstm_core.lessons import training_session as session_module  # noqa: E402 (the session runs lstm_core.train)
from lstm_core.tasks import COUNT_TASK, COUNT_TRAINING, counting  # noqa: E402

from helpers.explorers import assert_renders, cells, headers, set_value, warnings_as_errors  # noqa: E402

QUANTITIES = ("i", "f", "g", "c", "o", "h")
ONE_TWO_THREE = np.array([1.0, 2.0, 3.0])
XS, YS = counting(**COUNT_TASK)
FEW = 40  # steps for most runs here: fast, and still a clear fall of the loss


# --------------------------------------------------------------------------- helpers
def start_params(H):
    """The lesson's start weights, built here: the worked example's own layout for H = 2, else a seeded draw."""
    if H == 2:
        return LSTMParams.from_concat(**VECTOR_CONCAT)
    return LSTMParams.random(1, H, 1, seed=COUNT_TASK["seed"])


def reference(H, lr, steps):
    return train(start_params(H), XS, YS, steps=steps, lr=lr, seed=COUNT_TRAINING["seed"])


def assert_loss_shown(text, value, what=""):
    """4 decimals from 0.001 up, else 3 significant digits in e-notation."""
    if "e" in text:
        assert abs(value) < 1e-3, (what, text, value)
        assert float(text) == pytest.approx(value, rel=5.1e-3), (what, text, value)
    else:
        assert float(text) == pytest.approx(value, abs=5.1e-5), (what, text, value)


def click_train(e):
    with warnings_as_errors():
        e.train_button.click()
    assert "Training stopped" not in e.message.value, e.message.value


def check_start_state(e):
    """Before a run: the start weights of the slider's H, and their numbers in the tables."""
    H = e.controls["H"].value
    p = start_params(H)
    for name, arr in p.arrays().items():
        np.testing.assert_array_equal(e.params.arrays()[name], arr, err_msg=name)
    assert e.history.loss == [] and e.after is None
    assert e.session.state == "idle" and e.session.losses == []
    assert e.progress.value == 0 and e.progress.max == e.controls["steps"].value
    before = forward(p, ONE_TWO_THREE)
    rows = cells(e.results.value)
    assert float(rows[0][1]) == pytest.approx(before.prediction[0], abs=5.1e-5)
    assert float(rows[0][2]) == pytest.approx(abs(before.prediction[0] - 4), abs=5.1e-5)
    assert_loss_shown(rows[0][3], mse_loss(p, XS, YS)[0])
    assert rows[1][1:] == ["—", "—", "—"]
    assert ("exact weights" in e.note.value) == (H == 2)
    assert ("random" in e.note.value) == (H != 2)
    if H != 2:
        assert f"LSTMParams.random(1, {H}, 1, seed={COUNT_TASK['seed']})" in e.note.value
    check_activation_table(e, before, None)


def check_activation_table(e, before, after):
    rows = cells(e.activation_table.value)
    first = e.units.value
    units = [u for u in (first, first + 1) if u < e.controls["H"].value]
    want_names = [f"{k}[{u + 1}]" for k in QUANTITIES for u in units]
    assert [r[0] for r in rows] == want_names
    for row in rows:
        k, u = row[0][0], int(row[0][2:-1]) - 1
        for t in range(3):
            assert float(row[1 + t]) == pytest.approx(getattr(before, k)[t, u], abs=5.1e-5), (k, u, t)
            if after is None:
                assert row[4 + t] == "—"
            else:
                assert float(row[4 + t]) == pytest.approx(getattr(after, k)[t, u], abs=5.1e-5), (k, u, t)


def check_trained_state(e, H, lr, steps):
    """After a run: the explorer's numbers are those of lstm_core.train with the same settings."""
    learned, history = reference(H, lr, steps)
    assert e.session.state == "done"
    assert e.session.losses == history.loss + [history.final_loss]  # the curve: 0 .. steps
    assert e.history.loss == history.loss  # the same numbers, bit for bit
    assert e.history.final_loss == history.final_loss
    for name, arr in learned.arrays().items():
        np.testing.assert_array_equal(e.params.arrays()[name], arr, err_msg=name)
    assert e.progress.value == steps == e.progress.max
    assert f"{steps} of {steps} steps" in e.progress_label.value
    before, after = forward(start_params(H), ONE_TWO_THREE), forward(learned, ONE_TWO_THREE)
    rows = cells(e.results.value)
    assert rows[1][0] == f"after {steps} steps"
    assert float(rows[1][1]) == pytest.approx(after.prediction[0], abs=5.1e-5)
    assert float(rows[1][2]) == pytest.approx(abs(after.prediction[0] - 4), abs=5.1e-5)
    assert_loss_shown(rows[1][3], history.final_loss)
    # the loss table: steps 0, ¼, ½, ¾ and the end of the run
    marks = [int(h) for h in headers(e.loss_table.value)[1:]]
    assert marks[0] == 0 and marks[-1] == steps and len(marks) >= 2
    curve = history.loss + [history.final_loss]
    for k, text in zip(marks, cells(e.loss_table.value)[0][1:]):
        assert_loss_shown(text, curve[k], k)
    check_activation_table(e, before, after)
    # mean |after − before| per quantity, by a plain loop
    shown = cells(e.change_table.value)[0][1:]
    for k, text in zip(QUANTITIES, shown):
        diffs = [abs(getattr(after, k)[t][u] - getattr(before, k)[t][u]) for t in range(3) for u in range(H)]
        assert float(text) == pytest.approx(sum(diffs) / len(diffs), abs=5.1e-5), k
    return history


def slider_settings(widget, rng, log=False):
    """min, max and 3 random values on the slider's grid (a log slider's grid is in the exponent)."""
    if log:
        exps = [widget.min, widget.max] + [round(float(rng.uniform(widget.min, widget.max)) / widget.step)
                                           * widget.step for _ in range(3)]
        return [10.0**x for x in exps]
    out = [widget.min, widget.max]
    while len(out) < 5:
        v = int(round(rng.uniform(widget.min, widget.max) / widget.step) * widget.step)
        if v != out[-1]:
            out.append(v)
    return out


@pytest.fixture
def e():
    with warnings_as_errors():
        return explore.train_to_count()


# --------------------------------------------------------------------------- tests
def test_the_start_is_the_vector_worked_example_and_nothing_is_trained_on_display(e):
    assert set(e.controls) == {"lr", "H", "steps"}
    assert e.controls["lr"].value == COUNT_TRAINING["lr"] and e.controls["steps"].value == COUNT_TRAINING["steps"]
    assert e.controls["H"].value == 2
    check_start_state(e)
    rows = cells(e.results.value)
    assert rows[0][1] == "0.6893"  # the worked example's prediction for 1, 2, 3
    assert e.image.value and e.activation_image.value
    assert not e.running and not e.train_button.disabled


def test_train_at_the_lessons_defaults_reaches_4(e):
    click_train(e)
    history = check_trained_state(e, 2, COUNT_TRAINING["lr"], COUNT_TRAINING["steps"])
    assert history.final_loss < history.loss[0] / 1000
    assert abs(float(cells(e.results.value)[1][1]) - 4.0) < 0.05


def test_train_button_runs_progress_and_curve_follow(e):
    set_value(e, "steps", 200)
    progress, images = [], []
    e.progress.observe(lambda ch: progress.append(ch["new"]), names="value")
    e.image.observe(lambda ch: images.append(ch["new"]), names="value")
    before = (e.image.value, e.activation_image.value)
    click_train(e)
    history = check_trained_state(e, 2, COUNT_TRAINING["lr"], 200)
    # the bar moves up step by step to the number of steps
    climbing = [v for v in progress if v > 0]
    assert climbing == sorted(climbing) and climbing[-1] == 200 and len(climbing) >= 10
    # the curve is redrawn during the run, a few dozen times, not once per step
    assert 10 <= len(images) <= 60
    assert len(set(images)) >= 10
    assert e.image.value != before[0] and e.activation_image.value != before[1]
    # the drawn line is the run's losses, 0 .. steps, clipped to the axis
    x, y = e.loss_line.get_data()
    np.testing.assert_array_equal(x, np.arange(201))
    np.testing.assert_allclose(y, np.clip(history.loss + [history.final_loss], 1e-6, 1e2))
    # and the loss falls overall: the end far below the start, every quarter below the one before
    quarters = [np.mean(history.loss[k : k + 50]) for k in range(0, 200, 50)]
    assert quarters == sorted(quarters, reverse=True)


def test_a_click_during_a_run_does_not_start_a_second_run(e, monkeypatch):
    calls = []
    real_train = session_module.train

    def counted(*args, **kwargs):
        calls.append(kwargs.get("steps"))
        return real_train(*args, **kwargs)

    monkeypatch.setattr(session_module, "train", counted)
    set_value(e, "steps", 100)
    seen = []

    def click_again(change):
        if change["new"] > 0 and not seen:
            seen.append((e.running, e.train_button.disabled, e.reset_button.disabled,
                         [w.disabled for w in e.controls.values()]))
            e.train_button.click()  # re-entrant: from inside the train callback
            e.reset()  # a Reset must not interrupt it either

    e.progress.observe(click_again, names="value")
    click_train(e)
    assert calls == [100]  # one run only
    assert seen == [(True, True, True, [True, True, True])]
    assert "ignored" in e.message.value
    assert not e.running and not e.train_button.disabled and not any(w.disabled for w in e.controls.values())
    check_trained_state(e, 2, COUNT_TRAINING["lr"], 100)


def test_a_slider_set_from_code_during_a_run_applies_after_it(e):
    set_value(e, "steps", 100)

    def move(change):
        if change["new"] > 0 and e.controls["H"].value == 2:
            e.controls["H"].value = 5  # (a browser sends no moves while the sliders are disabled)

    e.progress.observe(move, names="value")
    click_train(e)
    # the run finished with the settings it started with, then the explorer started over at H = 5
    learned, history = reference(2, COUNT_TRAINING["lr"], 100)
    np.testing.assert_allclose(e.prev_line.get_data()[1], np.clip(history.loss + [history.final_loss], 1e-6, 1e2))
    check_start_state(e)
    assert e.controls["H"].value == 5


def test_a_click_during_a_run_leaves_the_run_intact(e):
    set_value(e, "steps", 100)
    fired = []

    def click_again(change):
        if change["new"] > 0 and not fired:
            fired.append(True)
            e.train_button.click()

    e.progress.observe(click_again, names="value")
    click_train(e)
    assert fired
    check_trained_state(e, 2, COUNT_TRAINING["lr"], 100)


@pytest.mark.parametrize("name", ["lr", "H", "steps"])
def test_each_slider_at_min_max_and_random_values(e, name):
    rng = np.random.default_rng({"lr": 1, "H": 2, "steps": 3}[name])
    w = e.controls[name]
    values = slider_settings(w, rng, log=name == "lr")
    if name != "steps":
        set_value(e, "steps", FEW)
    for n, value in enumerate(values):
        image = e.image.value
        set_value(e, name, value)
        assert e.image.value != image, (name, value)
        check_start_state(e)
        # train at the ends of every slider, and at one random value (steps: only the ends, they are slow)
        if n < 2 or (n == 2 and name != "steps"):
            v = e.values()
            click_train(e)
            check_trained_state(e, v["H"], v["lr"], v["steps"])
            assert np.all(np.isfinite(e.history.loss))


def test_a_diverging_or_tiny_loss_stays_on_the_chart(e):
    # H = 8 drives the loss far below 1e-6; lr = 1 keeps it high and jumpy: both stay inside the axis
    for H, lr, steps in ((8, COUNT_TRAINING["lr"], 800), (2, 1.0, 100)):
        set_value(e, "H", H)
        set_value(e, "lr", lr)
        set_value(e, "steps", steps)
        click_train(e)
        y = e.loss_line.get_data()[1]
        assert np.all((y >= 1e-6) & (y <= 1e2))
        losses = np.array(e.history.loss + [e.history.final_loss])
        outside = int(np.sum((losses < 1e-6) | (losses > 1e2)))
        shown = e.loss_texts["clip"].get_text()
        assert outside > 0 if H == 8 else outside == 0
        assert (outside > 0) == bool(shown), (H, lr, shown)
        if outside:
            assert str(outside) in shown


def test_a_slider_move_starts_over_and_keeps_the_last_curve_as_previous(e):
    set_value(e, "steps", FEW)
    click_train(e)
    first = list(e.history.loss) + [e.history.final_loss]
    set_value(e, "lr", 0.1)
    check_start_state(e)
    np.testing.assert_allclose(e.prev_line.get_data()[1], np.clip(first, 1e-6, 1e2))
    assert len(e.loss_line.get_data()[0]) == 0
    assert "previous run" in e.loss_texts["prev"].get_text()
    click_train(e)
    check_trained_state(e, 2, 0.1, FEW)
    np.testing.assert_allclose(e.prev_line.get_data()[1], np.clip(first, 1e-6, 1e2))


def test_reset_restores_the_worked_example_weights_and_clears_the_curves(e):
    start_image = e.image.value
    set_value(e, "H", 3)
    set_value(e, "lr", 0.1)
    set_value(e, "steps", FEW)
    click_train(e)
    set_value(e, "steps", FEW + 10)  # a previous run now exists
    click_train(e)
    with warnings_as_errors():
        e.reset_button.click()
    assert e.values() == {"lr": COUNT_TRAINING["lr"], "H": 2, "steps": COUNT_TRAINING["steps"]}
    check_start_state(e)
    assert len(e.loss_line.get_data()[0]) == 0 and len(e.prev_line.get_data()[0]) == 0
    assert e.loss_texts["prev"].get_text() == ""
    assert e.image.value == start_image


def test_units_dropdown_shows_every_unit_for_large_h(e):
    set_value(e, "H", 8)
    set_value(e, "steps", FEW)
    assert [v for _, v in e.units.options] == [0, 2, 4, 6]
    assert e.units.layout.visibility == "visible"
    click_train(e)
    learned, _ = reference(8, COUNT_TRAINING["lr"], FEW)
    before, after = forward(start_params(8), ONE_TWO_THREE), forward(learned, ONE_TWO_THREE)
    for first in (2, 6):
        image = e.activation_image.value
        e.units.value = first
        assert e.activation_image.value != image
        check_activation_table(e, before, after)
        assert e.history.loss == reference(8, COUNT_TRAINING["lr"], FEW)[1].loss  # not a slider: the run stays
    set_value(e, "H", 3)
    assert [v for _, v in e.units.options] == [0, 2] and e.units.value == 0
    set_value(e, "H", 1)
    assert [label for label, _ in e.units.options] == ["unit 1"]
    assert e.units.layout.visibility == "hidden"
    check_start_state(e)


def test_a_failed_run_is_reported_and_unlocks_the_controls(e, monkeypatch):
    def failing(params, xs, ys, steps, lr, seed, callback):
        for k in range(5):
            callback(k, 10.0 - k, params.copy())
        raise ValueError("train: the loss is nan at step 5; lower lr or set clip")

    monkeypatch.setattr(session_module, "train", failing)
    e.train_button.click()
    assert "Training stopped" in e.message.value and "nan" in e.message.value
    assert e.history.loss == [10.0, 9.0, 8.0, 7.0, 6.0] and e.history.stopped_early
    assert e.session.state == "stopped" and "nan" in e.session.error
    assert not e.running and not e.train_button.disabled
    assert len(e.loss_line.get_data()[0]) == 5


def test_factory_arguments_set_the_start():
    with warnings_as_errors():
        e = explore.train_to_count(lr=0.1, hidden_size=4, steps=50)
    assert e.values() == {"lr": 0.1, "H": 4, "steps": 50}
    check_start_state(e)
    click_train(e)
    check_trained_state(e, 4, 0.1, 50)
    e.reset()
    assert e.values() == {"lr": 0.1, "H": 4, "steps": 50}


def test_widget_tree_renders(e):
    assert_renders(e)
    assert math.isclose(e.controls["lr"].base, 10)
