"""Lesson 08: the variants of the one-unit cell (checked against a cell written out here by hand), the study's pieces
(on runs built by hand), the study itself (on the stored runs; that they are what the code computes is
test_l08_store.py's), the GRU pieces, and the questions (each answer recomputed here)."""

import math

import numpy as np
import pytest

from lstm_core import VARIANTS, GRUParams, LSTMParams, forward
from lstm_core.lessons import l08_variants as V
from lstm_core.lessons import experiments as E
from lstm_core.lessons import l08_recall as R
from lstm_core.lessons import l08_store as S
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


# --- the study's pieces, on runs built by hand ------------------------------------------------------


def run(variant, task, seed, test, **detail):
    return E.Run(variant, task, seed, 0.0, test, 0.0, detail)


def test_predicting_zero_scores_the_guess():
    # the recall target is x_1 = ±1, so predicting 0 scores exactly 1; a unit sine at random phases about 0.5
    _, _, _, test_ys = R.recall_sets(V.VARIANT_RECALL["gap"], 0)
    assert float(np.mean(test_ys ** 2)) == V.GUESS_MSE["recall, gap 20"] == R.GUESS
    _, _, tests = V.sine_sets(0)
    for n, task in zip((V.VARIANT_SINE["length"], V.VARIANT_SINE["long_length"]), V.TASKS[1:]):
        assert np.mean(tests[n][1] ** 2) == pytest.approx(V.GUESS_MSE[task], abs=0.05)


def test_sine_test_sets_are_new_phases_and_longer():
    xs, ys, tests = V.sine_sets(1)
    long_xs, _ = tests[V.VARIANT_SINE["long_length"]]
    assert xs.shape == (V.VARIANT_SINE["length"], V.VARIANT_SINE["n_train"], 1)
    assert long_xs.shape == (V.VARIANT_SINE["long_length"], V.VARIANT_SINE["n_test"], 1)
    assert not np.intersect1d(xs[0].ravel(), long_xs[0].ravel()).size


def test_the_family_is_every_variant_against_vanilla_on_every_task():
    assert len(V.PAIRS) == 5 * 3 and len(set(V.PAIRS)) == 15
    assert all(b == "vanilla" and a != "vanilla" for a, b, _ in V.PAIRS)
    # 15 comparisons: even 10 of 10 seeds (p = 2/1024) needs the correction's whole room: 15 · 2/1024 < 0.05
    assert 15 * 2 / 1024 < E.ALPHA < 15 * 4 / 1024


def test_claim_and_failure_lines_on_runs_built_by_hand():
    t = "sine, 60 steps"
    runs = []
    for s in range(20):
        for v in VARIANTS:
            mse = {"vanilla": 0.01, "no_forget_gate": 1.0 + s}.get(v, 0.01 * (1 + (s * 7 + len(v)) % 5))
            runs.append(run(v, t, s, mse))
            runs += [run(v, "recall, gap 20", s, 0.01 if v != "no_input_gate" else (2.0 if s in (3, 15) else 0.01)),
                     run(v, "sine, 10 steps", s, 1e-3)]
    found = V.study(runs)
    assert ("vanilla", "no_forget_gate", t) in found["claims"]
    lines = V.claim_lines(found["confirmed"])
    assert "sine, 60 steps: vanilla below NFG; held-back seeds: 10/10 seeds" in lines[0]
    fail = V.failure_lines(runs)
    assert fail[0] == ("recall, gap 20: never failed: vanilla, NFG, NOG, NOAF, CIFG; failed on both seed sets: "
                       "NIG (1/10 and 1/10)")
    assert fail[2].startswith("sine, 60 steps: never failed: vanilla, NIG, NOG, NOAF, CIFG; failed on both seed "
                              "sets: NFG (10/10 and 10/10)")
    assert V.learned_everywhere(runs, "sine, 10 steps") == list(VARIANTS)
    assert "no_forget_gate" not in V.learned_everywhere(runs, t)


def test_c_growth_on_runs_built_by_hand():
    runs = []
    for s, (short, long) in enumerate([(1.0, 4.0), (2.0, 5.0), (0.5, 3.5)]):
        for v in VARIANTS:
            runs += [run(v, V.TASKS[1], s, 0.1, c_end=short), run(v, V.TASKS[2], s, 0.1, c_end=long)]
    growth = V.c_growth(runs)
    np.testing.assert_allclose(growth["no_forget_gate"], [4.0, 2.5, 7.0])
    lines = V.c_growth_lines(runs)
    assert len(lines) == 1 + len(VARIANTS) and lines[2].startswith("NFG")
    assert lines[2].split()[1:] == ["×2.5", "×4.0", "×7.0", "3/3"]  # lowest, median, highest, above ×2


def test_c_size_is_the_largest_unit_at_the_last_step_averaged():
    params = LSTMParams.random(1, 3, 1, seed=4)
    xs = np.random.default_rng(0).normal(size=(7, 5, 1))
    trace = forward(params, xs)
    by_hand = sum(max(abs(trace.c[-1, b, u]) for u in range(3)) for b in range(5)) / 5
    assert V.c_size(trace) == pytest.approx(by_hand, rel=1e-12)


def test_carry_splits_the_belt_into_the_first_write_and_the_rest_by_hand():
    params = LSTMParams.random(1, 2, 1, seed=7)
    xs, _, _, _ = R.recall_sets(6, 3)
    xs = xs[:, :40]  # (7, 40, 1)
    trace = forward(params, xs)
    out = V.carry(trace, xs)
    x1 = xs[0, :, 0]
    corr = [abs(np.corrcoef(trace.c[-1, :, u], x1)[0, 1]) for u in range(2)]
    u = int(np.argmax(corr))
    assert out["corr_c"] == pytest.approx(max(corr))
    T = xs.shape[0]
    first, writes, prods = [], [], []
    for b in range(xs.shape[1]):  # c_T = c_1 Π f + Σ_t (Π_{s>t} f_s) i_t g_t, summed here step by step
        f = trace.f[:, b, u]
        keep = math.prod(f[1:])
        prods.append(keep)
        first.append(trace.c[0, b, u] * keep)
        writes.append(sum(math.prod(f[t + 1:]) * trace.i[t, b, u] * trace.g[t, b, u] for t in range(1, T)))
        assert first[-1] + writes[-1] == pytest.approx(trace.c[-1, b, u], rel=1e-12)
    assert out["prod_f"] == pytest.approx(np.mean(prods), rel=1e-12)
    assert out["first_share"] == pytest.approx(np.std(first) / np.std(trace.c[-1, :, u]), rel=1e-9)
    assert out["corr_writes"] == pytest.approx(abs(np.corrcoef(writes, x1)[0, 1]), rel=1e-9)


def test_triple_orderings_and_chance_lines_on_runs_built_by_hand():
    runs = [run(v, t, s, (1 + n) * (1.0 + 0.01 * s)) for t in V.TASKS for n, v in enumerate(VARIANTS)
            for s in range(20)]
    # every variant's three values lie below the next variant's: 15 of the 30 ordered pairs are "clean"
    assert len(V.triple_orderings(runs, V.TASKS[0], (0, 1, 2))) == 15
    lines = V.chance_lines(runs)
    assert len(lines) == 2 + len(V.TASKS)
    assert lines[2].split()[-3:] == ["15", "15", "15"]
    k = V.chance_counts(runs, V.TASKS[0])
    assert k.shape == (V.CHANCE["draws"],) and abs(k.mean() - 1.5) < 0.15  # 30 pairs · 1/20


def test_the_progress_callback_reaches_its_total():
    seen = []
    V.compare_variants(variants=("coupled_input_forget",), seeds=(0,), callback=lambda done, total: seen.append(
        (done, total)))
    total = V.total_steps(("coupled_input_forget",), (0,))
    assert total == R.RECALL_TRAINING["steps"] + V.VARIANT_SINE_TRAINING["steps"]
    assert seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)  # never goes back
    only = V.compare_variants(variants=("vanilla",), seeds=(2,), trainings=("sine",))
    assert [r.task for r in only] == list(V.TASKS[1:])
    assert V.total_steps(("vanilla",), (2,), ("sine",)) == V.VARIANT_SINE_TRAINING["steps"]


# --- the study itself, on the stored runs (the slow test recomputes every one of them) --------------------


@pytest.fixture(scope="module")
def all_runs():
    return S.split_stored(S.stored_runs())[0]


def test_the_claims_are_what_the_claim_seeds_support_and_hold_on_the_held_back_seeds(all_runs):
    found = V.study(all_runs)
    assert found["claims"] == list(V.CLAIMS), "\n".join(V.comparison_lines(found["comparisons"]))
    assert all(held for *_, held in found["confirmed"])
    assert len(V.claim_lines(found["confirmed"])) == len(V.CLAIMS)


def claim_runs_of(runs, variant="vanilla"):
    return [r for r in runs if (r.model, r.task) == (variant, "recall, gap 20") and r.seed in E.CLAIM_SEEDS]


def test_what_the_lesson_says_about_the_runs(all_runs):
    claim = E.summary(all_runs, V.GUESS_MSE, E.CLAIM_SEEDS)
    held = E.summary(all_runs, V.GUESS_MSE, E.HELD_BACK_SEEDS)
    # every variant learned the short sine at all 20 seeds; NFG never failed the recall task, on both sets
    assert V.learned_everywhere(all_runs, "sine, 10 steps") == list(VARIANTS)
    for s in (claim, held):
        assert s[("no_forget_gate", "recall, gap 20")]["failed"] == 0
        assert s[("no_forget_gate", "sine, 60 steps")]["failed"] >= 5  # NFG fails the long sine at most seeds
        assert all(s[(v, "sine, 60 steps")]["failed"] == 0 for v in ("vanilla", "coupled_input_forget"))
        assert all(s[(v, "recall, gap 20")]["failed"] > 0 for v in VARIANTS if v != "no_forget_gate")
    # NFG's c grows at every seed more than any vanilla or CIFG run's does
    growth = V.c_growth(all_runs)
    assert growth["no_forget_gate"].min() > max(growth["vanilla"].max(), growth["coupled_input_forget"].max())
    assert growth["no_forget_gate"].min() > V.GROWTH_COUNTED and np.median(growth["no_output_tanh"]) < 1.1
    assert np.sum(growth["no_output_tanh"] > V.GROWTH_COUNTED) == 1  # one NOAF run ran away
    # what carries x_1: in the runs that learned, the first write is a small part of c_T, f was not kept near 1,
    # and the writes during the gap follow x_1
    for variant, most_f in (("vanilla", 0.9), ("no_forget_gate", 1.0)):
        ok = [r.detail for r in claim_runs_of(all_runs, variant) if r.test_mse < V.LEARNED]
        assert len(ok) >= 5
        assert max(d["first_share"] for d in ok) < 0.1 and min(d["corr_writes"] for d in ok) > 0.95
        assert max(d["prod_f"] for d in ok) <= most_f
    # the chance picture: three-seed experiments on the recall task and the short sine show no more "orderings"
    # than the 3 that a quarter of the pretend experiments reach; the long sine shows more
    for task in V.TASKS[:2]:
        assert all(len(V.triple_orderings(all_runs, task, t)) < 3 for t in V.TRIPLES)
        assert 0.2 < np.mean(V.chance_counts(all_runs, task) >= 3) < 0.3
    assert all(len(V.triple_orderings(all_runs, V.TASKS[2], t)) >= 5 for t in V.TRIPLES)


# --- the GRU beside the LSTM ----------------------------------------------------------------------


@pytest.mark.parametrize("D, H", [(1, 4), (3, 2)])
def test_parameter_counts(D, H):
    counts = V.parameter_counts(D, H)
    # lstm_core: 4 blocks of (D + H) weights and one bias; the GRU 3 blocks and two biases (b_x, b_h); PyTorch's
    # LSTM has two biases per gate too (b_ih, b_hh)
    assert counts == {"LSTM": 4 * H * (D + H + 1), "GRU": 3 * H * (D + H + 2), "LSTM (PyTorch)": 4 * H * (D + H + 2),
                      "GRU (PyTorch)": 3 * H * (D + H + 2)}
    if (D, H) == (1, 4):
        assert (counts["LSTM"], counts["GRU"], counts["LSTM (PyTorch)"]) == (96, 84, 112)


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
    assert set(qs) == {"grow", "coupled", "recall", "longer", "gru"}
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
    # the prompt asks; it does not describe the answer (an average of c and g)
    assert "replaced" not in qs["coupled"].prompt and "average" not in qs["coupled"].prompt


def test_recall_is_0_95_to_the_20th_by_hand(qs):
    q = qs["recall"]
    assert q.answer == pytest.approx(19**20 / 20**20, rel=1e-14)  # (19/20)^20 = 0.3585
    assert check(q, "0.3585").correct
    assert_wrong_gets_the_hint(q, "0.95")


def test_longer_answer_is_the_claim(qs):
    assert qs["longer"].answer == V.VARIANT_NAMES["no_forget_gate"]
    assert ("vanilla", "no_forget_gate", "sine, 60 steps") in V.CLAIMS
    assert_wrong_gets_the_hint(qs["longer"], V.VARIANT_NAMES["coupled_input_forget"])


def test_gru_question_answer_is_the_forget_gate_and_names_the_other_convention(qs):
    assert qs["gru"].answer == "f (forget gate)"
    assert_wrong_gets_the_hint(qs["gru"], "i (input gate)")
    assert "colah" in qs["gru"].explanation and "z plays i" in qs["gru"].explanation


def test_the_one_unit_cell_params():
    p = V.steady_cell(2.5)
    assert isinstance(p, LSTMParams) and p.hidden_size == p.input_size == 1
    np.testing.assert_array_equal(p.W_h, 0.0)
    assert p.gate("f")[2][0] == 2.5 and p.gate("o")[2][0] == V.OUTPUT_BIAS
    assert isinstance(GRUParams.random(1, 2), GRUParams)
