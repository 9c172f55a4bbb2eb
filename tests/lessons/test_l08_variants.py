"""Lesson 08: the variants of the one-unit cell (checked against a cell written out here by hand), the experiments'
summary and claims (on results built by hand, and the lesson's CLAIMS re-run at every seed), the GRU pieces, and
the questions (each answer recomputed here)."""

import math

import numpy as np
import pytest

from lstm_core import VARIANTS, GRUParams, LSTMParams
from lstm_core.lessons import l08_variants as V
from lstm_core.lessons import memory_task as M
from lstm_core.lessons.questions import check

from helpers.questions import assert_right, assert_wrong_gets_the_hint
from helpers.reference import sig


def hand_cell(variant, xs, b_f, b_o=-1.0):
    """The lesson's one-unit cell, written out here: i = σ(x), f = σ(b_f), g = tanh(x), o = σ(b_o)."""
    c, out = 0.0, []
    for x in xs:
        i, f, g, o = sig(x), sig(b_f), math.tanh(x), sig(b_o)
        if variant == "no_forget_gate":
            f = 1.0
        if variant == "no_input_gate":
            i = 1.0
        if variant == "no_output_gate":
            o = 1.0
        if variant == "coupled_input_forget":
            i = 1.0 - f
        c = f * c + i * g
        h = o * c if variant == "no_output_tanh" else o * math.tanh(c)
        out.append((i, f, g, o, c, h))
    return np.array(out)  # (T, 6)


# --- the one-unit cell under each variant ----------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("pattern", V.PATTERNS)
def test_the_explorers_cell_is_the_hand_written_cell(variant, pattern):
    run = V.variant_run(variant, pattern, x=0.7, forget_bias=1.5, T=13)
    xs = {"steady": [0.7] * 13, "pulse": [0.7] + [0.0] * 12, "on, then off": [0.7] * 7 + [0.0] * 6}[pattern]
    np.testing.assert_array_equal(run.xs, xs)
    hand = hand_cell(variant, xs, 1.5)
    for n, k in enumerate(("i", "f", "g", "o", "c", "h")):
        np.testing.assert_allclose(getattr(run.trace, k)[:, 0], hand[:, n], rtol=1e-12, atol=1e-15, err_msg=k)
    np.testing.assert_allclose(run.vanilla.c[:, 0], hand_cell("vanilla", xs, 1.5)[:, 4], rtol=1e-12)


def test_without_a_forget_gate_c_grows_by_i_g_every_step_under_steady_input():
    T = V.MAX_T
    run = V.variant_run("no_forget_gate", "steady", x=1.0, forget_bias=-3.0, T=T)
    per_step = sig(1.0) * math.tanh(1.0)
    np.testing.assert_allclose(run.trace.c[:, 0], per_step * np.arange(1, T + 1), rtol=1e-12)
    assert run.trace.c[-1, 0] > 30  # far beyond the ±1 of tanh(c): off any fixed ±1 chart
    assert "without bound" in V.growth_note(run) and f"{run.trace.c[-1, 0]:.4f}" in V.growth_note(run)
    assert "c grows by" in V.growth_note(run)
    down = V.variant_run("no_forget_gate", "steady", x=-1.0, forget_bias=0.0, T=10)
    assert down.trace.c[-1, 0] == pytest.approx(-10 * sig(-1.0) * math.tanh(1.0), rel=1e-12)
    assert "c falls by" in V.growth_note(down) and "(-0.7616)" in V.growth_note(down)
    still = V.variant_run("no_forget_gate", "steady", x=0.0, forget_bias=0.0, T=10)
    assert still.trace.c[-1, 0] == 0.0 and "nothing is written" in V.growth_note(still)
    assert V.growth_note(V.variant_run("no_forget_gate", "pulse", x=1.0, T=10)) is None


def test_with_a_forget_gate_c_settles_at_the_fixed_point():
    f = sig(2.0)
    star = sig(1.0) * math.tanh(1.0) / (1 - f)
    assert V.fixed_point(1.0, 2.0) == pytest.approx(star, rel=1e-12)
    run = V.variant_run("vanilla", "steady", x=1.0, forget_bias=2.0, T=V.MAX_T)
    assert run.trace.c[-1, 0] == pytest.approx(star, rel=1e-3)
    assert np.all(np.diff(run.trace.c[:, 0]) > 0)  # climbs towards it from c_0 = 0
    assert V.fixed_point(1.0, 2.0, "no_forget_gate") is None


@pytest.mark.parametrize("x", [-2.0, -0.3, 1.0, 2.0])
@pytest.mark.parametrize("b_f", [-3.0, 0.0, 6.0])
def test_the_coupled_cell_never_passes_its_candidate(x, b_f):
    run = V.variant_run("coupled_input_forget", "steady", x=x, forget_bias=b_f, T=V.MAX_T)
    c = run.trace.c[:, 0]
    assert np.all(np.abs(c) <= abs(math.tanh(x)) * (1 + 1e-12))
    np.testing.assert_allclose(run.trace.i[:, 0] + run.trace.f[:, 0], 1.0, rtol=1e-15)


def test_no_output_tanh_lets_h_follow_c_past_one():
    run = V.variant_run("no_output_tanh", "steady", x=2.0, forget_bias=6.0, T=V.MAX_T)
    np.testing.assert_allclose(run.trace.h[:, 0], sig(-1.0) * run.trace.c[:, 0], rtol=1e-12)
    assert run.trace.h[-1, 0] > 1.0  # o tanh(c) could never get here
    vanilla = run.vanilla
    assert np.all(np.abs(vanilla.h[:, 0]) <= sig(-1.0))  # o tanh(c), |tanh| <= 1


def test_a_vanilla_trace_passed_in_is_used_only_for_the_same_inputs():
    a = V.variant_run("vanilla", "steady", 1.0, 2.0, 20)
    same = V.variant_run("no_input_gate", "steady", 1.0, 2.0, 20, vanilla=a.vanilla)
    assert same.vanilla is a.vanilla
    other = V.variant_run("no_input_gate", "pulse", 1.0, 2.0, 20, vanilla=a.vanilla)
    assert other.vanilla is not a.vanilla
    np.testing.assert_allclose(other.vanilla.c[:, 0], hand_cell("vanilla", [1.0] + [0.0] * 19, 2.0)[:, 4])


@pytest.mark.parametrize("kwargs, match", [
    (dict(pattern="square"), "pattern: expected one of"),
    (dict(T=0), "T: expected 1 <= T <= 60"),
    (dict(T=61), "T: expected 1 <= T <= 60"),
    (dict(variant="peephole"), "variant: expected one of"),
])
def test_bad_settings_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        V.variant_run(**kwargs)


def test_each_variant_changes_exactly_its_one_line():
    vanilla = V.variant_equations("vanilla")
    assert [k for k, _, _ in vanilla] == ["i", "f", "g", "o", "c", "h"]
    assert not any(changed for *_, changed in vanilla)
    expected = {"no_forget_gate": ("f", "f_t = 1"), "no_input_gate": ("i", "i_t = 1"),
                "no_output_gate": ("o", "o_t = 1"), "no_output_tanh": ("h", "h_t = o_t · c_t"),
                "coupled_input_forget": ("i", "i_t = 1 − f_t")}
    for variant, (k, line) in expected.items():
        lines = V.variant_equations(variant)
        changed = [(kk, text) for kk, text, ch in lines if ch]
        assert changed == [(k, line)], variant
        assert [text for kk, text, _ in lines if kk != k] == [text for kk, text, _ in vanilla if kk != k]
        assert V.variant_equations_text(variant).count("◀ changed") == 1


# --- summary and claims on results built by hand -------------------------------------------------


def res(variant, task, seed, test):
    return V.Result(variant, task, seed, 0.0, test, 0.0)


def test_summary_table_and_claims_by_hand():
    t = "sine, 60 steps"
    results = [res("vanilla", t, s, v) for s, v in enumerate((0.01, 0.02, 0.03))]
    results += [res("no_forget_gate", t, s, v) for s, v in enumerate((0.4, 1.6, 0.9))]
    results += [res("no_input_gate", t, s, v) for s, v in enumerate((0.02, 0.3, 0.2))]  # overlaps vanilla
    stats = V.summary(results)
    assert stats[("vanilla", t)]["mean"] == pytest.approx(0.02)
    assert stats[("vanilla", t)]["std"] == pytest.approx(math.sqrt(2e-4 / 3))
    found = V.claims(results)
    assert sorted(found["order"]) == [("no_input_gate", "no_forget_gate", t), ("vanilla", "no_forget_gate", t)]
    assert found["learned"] == [("vanilla", t)]
    assert found["failed"] == [("no_forget_gate", t)]  # 1.6 >= 0.5, what predicting 0 scores on a sine
    text = V.table(results)
    row = next(line for line in text.splitlines() if line.startswith("vanilla"))
    assert "0.020 ± 0.008 (0.010–0.030)" in row and text.startswith("3 seeds")
    assert max(len(line) for line in text.splitlines()) <= 100  # one line each in a notebook at 1280 px
    lines = V.claim_lines(results)
    assert "sine, 60 steps: vanilla below NFG at every seed" in lines


def test_guessing_zero_scores_what_the_table_calls_the_guess():
    # predicting 0 scores the mean of target²: 1 for x_1 = ±1, about 0.5 for a unit sine at random phases
    _, ys, tests = V.sine_sets(0)
    assert np.mean(tests[V.VARIANT_SINE["long_length"]][1] ** 2) == pytest.approx(V.GUESS_MSE["sine, 60 steps"],
                                                                                   abs=0.05)
    assert V.GUESS_MSE["memory, gap 20"] == 1.0


def test_sine_test_sets_are_new_phases_and_longer():
    xs, ys, tests = V.sine_sets(1)
    long_xs, _ = tests[V.VARIANT_SINE["long_length"]]
    assert xs.shape == (V.VARIANT_SINE["length"], V.VARIANT_SINE["n_train"], 1)
    assert long_xs.shape == (V.VARIANT_SINE["long_length"], V.VARIANT_SINE["n_test"], 1)
    assert not np.intersect1d(xs[0].ravel(), long_xs[0].ravel()).size


# --- the lesson's claims re-run at every seed ------------------------------------------------------


@pytest.fixture(scope="module")
def results():
    return V.compare_variants()


def test_every_claim_of_the_lesson_holds_at_every_seed(results):
    assert len(V.SEEDS) >= 3
    assert {r.seed for r in results} == set(V.SEEDS)
    found = V.claims(results)
    for kind in ("order", "learned", "failed"):
        for claim in V.CLAIMS[kind]:
            assert claim in found[kind], (kind, claim, V.table(results))


def test_what_the_notebook_reads_off_the_table(results):
    found = V.claims(results)
    # the vanilla cell did not stay below 0.05 on the longer sine at every seed; the coupled cell is the only one
    # that learned in every column
    assert ("vanilla", "sine, 60 steps") not in found["learned"]
    every = [v for v in VARIANTS if all((v, t) in found["learned"] for t in V.TASKS)]
    assert every == ["coupled_input_forget"]
    # no output tanh: the largest error of the table, and the largest spread, on the longer sine
    worst = max(results, key=lambda r: r.test_mse)
    assert (worst.variant, worst.task) == ("no_output_tanh", "sine, 60 steps")
    stats = V.summary(results)
    assert max(stats, key=lambda k: stats[k]["std"]) == ("no_output_tanh", "sine, 60 steps")


def test_without_a_forget_gate_the_trained_cells_c_grows_with_the_input(results):
    by = {(r.variant, r.task, r.seed): r.c_end for r in results}
    for seed in V.SEEDS:
        for v in V.C_GROWTH["grows"]:
            assert by[(v, "sine, 60 steps", seed)] > V.C_GROWTH["above"] * by[(v, "sine, 10 steps", seed)]
        for v in V.C_GROWTH["steady"]:
            assert by[(v, "sine, 60 steps", seed)] < V.C_GROWTH["below"] * by[(v, "sine, 10 steps", seed)]
    growth = V.c_growth(results)
    assert growth["no_forget_gate"][0] == pytest.approx(by[("no_forget_gate", "sine, 60 steps", 0)]
                                                        / by[("no_forget_gate", "sine, 10 steps", 0)])
    lines = V.c_growth_lines(results)
    assert len(lines) == 1 + len(VARIANTS) and lines[2].startswith("NFG")


def test_c_size_is_the_largest_unit_at_the_last_step_averaged():
    from lstm_core import forward
    params = LSTMParams.random(1, 3, 1, seed=4)
    xs = np.random.default_rng(0).normal(size=(7, 5, 1))
    trace = forward(params, xs)
    by_hand = sum(max(abs(trace.c[-1, b, u]) for u in range(3)) for b in range(5)) / 5
    assert V.c_size(trace) == pytest.approx(by_hand, rel=1e-12)


def test_the_claims_are_what_the_per_seed_numbers_say(results):
    by = {(r.variant, r.task, r.seed): r.test_mse for r in results}
    for better, worse, task in V.CLAIMS["order"]:
        assert max(by[(better, task, s)] for s in V.SEEDS) < min(by[(worse, task, s)] for s in V.SEEDS)
    for variant, task in V.CLAIMS["failed"]:
        assert any(by[(variant, task, s)] >= V.GUESS_MSE[task] for s in V.SEEDS)


def test_the_vanilla_memory_runs_are_memory_tasks_lstm_at_b_f_1(results):
    for seed in V.SEEDS:
        ours = next(r for r in results if (r.variant, r.task, r.seed) == ("vanilla", "memory, gap 20", seed))
        theirs = M.one_run("LSTM b_f=1", V.VARIANT_MEMORY["gap"], seed)
        assert (ours.train_mse, ours.test_mse) == (theirs.train_mse, theirs.test_mse)


def test_the_memory_comparison_reuses_exactly_the_vanilla_runs(results, monkeypatch):
    trained = []
    monkeypatch.setattr(M, "one_run", lambda label, gap, seed: trained.append(label) or M.Run(label, gap, seed, 0, 0, 0))
    seen = []
    runs = V.memory_comparison(results, callback=lambda done, total: seen.append((done, total)))
    assert [(r.model, r.seed) for r in runs] == [(m[0], s) for m in M.MODELS for s in V.SEEDS]
    assert "LSTM b_f=1" not in trained and len(trained) == (len(M.MODELS) - 1) * len(V.SEEDS)
    for r in runs:
        if r.model == "LSTM b_f=1":
            ours = next(x for x in results if (x.variant, x.task, x.seed) == ("vanilla", "memory, gap 20", r.seed))
            assert (r.train_mse, r.test_mse, r.gap) == (ours.train_mse, ours.test_mse, 20)
    assert seen[-1] == (len(runs), len(runs))


def test_the_progress_callback_reaches_its_total():
    seen = []
    V.compare_variants(variants=("coupled_input_forget",), seeds=(0,), callback=lambda done, total: seen.append(
        (done, total)))
    total = V.total_steps(("coupled_input_forget",), (0,))
    assert total == M.MEMORY_TRAINING["steps"] + V.VARIANT_SINE_TRAINING["steps"]
    assert seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)  # never goes back


# --- the GRU beside the LSTM ----------------------------------------------------------------------


@pytest.mark.parametrize("D, H", [(1, 4), (3, 2)])
def test_parameter_counts(D, H):
    counts = V.parameter_counts(D, H)
    assert counts == {"LSTM": 4 * H * (D + H + 1), "GRU": 3 * H * (D + H + 2)}


def test_a_gru_with_z_fixed_keeps_z_to_the_t_of_its_memory():
    z, h = V.gru_hold(2.0, steps=8, h0=0.8)
    assert z == pytest.approx(sig(2.0), rel=1e-15)
    np.testing.assert_allclose(h, 0.8 * sig(2.0) ** np.arange(1, 9), rtol=1e-12)


def test_side_by_side_pairs_the_gates():
    rows = {what: (lstm, gru) for what, lstm, gru in V.SIDE_BY_SIDE}
    assert rows["keep the old memory"][0].startswith("f_t") and rows["keep the old memory"][1].startswith("z_t")
    assert "1 − z_t" in rows["write the new"][1]
    assert "no output gate" in rows["what the next layer sees"][1]


# --- questions ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def qs():
    return {q.key: q for q in V.questions()}


def test_lesson_08_has_its_questions(qs):
    assert set(qs) == {"grow", "coupled", "memory", "longer", "gru"}
    for q in qs.values():
        assert_right(q)
        assert V.question(q.key) == q
    with pytest.raises(KeyError):
        V.question("nope")


def test_grow_is_20_steps_of_i_g_by_hand(qs):
    q = qs["grow"]
    assert q.answer == pytest.approx(20 * sig(1.0) * math.tanh(1.0), rel=1e-12)
    assert check(q, f"{q.answer:.4f}").correct
    assert_wrong_gets_the_hint(q, f"{math.tanh(1.0):.4f}")  # c of one step too many forgotten
    assert_wrong_gets_the_hint(q, f"{V.fixed_point(1.0, V.DEFAULTS['b_f']):.4f}")  # the vanilla cell's c


def test_coupled_answer_matches_the_cell_by_hand(qs):
    c = hand_cell("coupled_input_forget", [1.0] * V.MAX_T, V.DEFAULTS["b_f"])[:, 4]
    assert np.all(c <= math.tanh(1.0)) and c[-1] > 0.99 * math.tanh(1.0)
    assert qs["coupled"].answer == "never more than |g|, at most 1"
    assert f"{c[-1]:.4f}" in qs["coupled"].explanation
    assert_wrong_gets_the_hint(qs["coupled"], "it grows without bound")


def test_memory_and_longer_answers_are_the_claims(qs):
    learned = [v for v in ("vanilla", "no_forget_gate", "no_input_gate", "no_output_gate")
               if (v, "memory, gap 20") in V.CLAIMS["learned"]]
    assert learned == ["no_forget_gate"]  # exactly one right choice
    assert qs["memory"].answer == V.VARIANT_NAMES["no_forget_gate"]
    assert qs["longer"].answer == V.VARIANT_NAMES["no_forget_gate"]
    assert ("vanilla", "no_forget_gate", "sine, 60 steps") in V.CLAIMS["order"]
    assert_wrong_gets_the_hint(qs["memory"], V.VARIANT_NAMES["vanilla"])


def test_gru_question_answer_is_the_forget_gate(qs):
    assert qs["gru"].answer == "f (forget gate)"
    assert_wrong_gets_the_hint(qs["gru"], "i (input gate)")


def test_the_one_unit_cell_params():
    p = V.steady_cell(2.5)
    assert isinstance(p, LSTMParams) and p.hidden_size == p.input_size == 1
    np.testing.assert_array_equal(p.W_h, 0.0)
    assert p.gate("f")[2][0] == 2.5 and p.gate("o")[2][0] == V.OUTPUT_BIAS
    assert isinstance(GRUParams.random(1, 2), GRUParams)
