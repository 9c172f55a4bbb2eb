"""The delayed-recall task (lstm_core.tasks) and lesson 08's comparison of models on it (lstm_core.lessons.l08_recall),
read through lstm_core.lessons.experiments; exploding gradients and clipping."""

import numpy as np
import pytest

from lstm_core.lessons import experiments as E
from lstm_core.lessons import l08_recall as M
from lstm_core.lessons import l08_store as S
from lstm_core.tasks import delayed_recall

# --- the task --------------------------------------------------------------------------------


def test_delayed_recall_shapes_and_target():
    xs, ys = delayed_recall(50, gap=7, noise=0.3, seed=1)
    assert xs.shape == (8, 50, 1) and ys.shape == (50, 1)
    np.testing.assert_array_equal(ys, xs[0])  # the target is x_1
    assert set(np.unique(ys)) == {-1.0, 1.0}
    gap_values = xs[1:].ravel()
    assert 0.25 < gap_values.std() < 0.35  # 350 draws of N(0, 0.3²)
    quiet, _ = delayed_recall(5, gap=3, noise=0.0, seed=1)
    np.testing.assert_array_equal(quiet[1:], 0.0)


def test_training_and_test_sequences_are_disjoint():
    train_xs, _ = delayed_recall(64, gap=20, seed=0, split="train")
    test_xs, _ = delayed_recall(256, gap=20, seed=0, split="test")
    # not one noise value of the test stream appears in the training stream, so no sequence is shared
    assert not np.intersect1d(train_xs[1:].ravel(), test_xs[1:].ravel()).size
    train_rows = {tuple(s) for s in train_xs[:, :, 0].T}
    assert not any(tuple(s) in train_rows for s in test_xs[:, :, 0].T)
    # and both signs appear in both
    assert set(np.unique(train_xs[0])) == set(np.unique(test_xs[0])) == {-1.0, 1.0}


def test_same_seed_same_sequences_and_more_sequences_extend_the_stream():
    a, _ = delayed_recall(10, gap=5, seed=3, split="test")
    b, _ = delayed_recall(10, gap=5, seed=3, split="test")
    np.testing.assert_array_equal(a, b)
    longer, _ = delayed_recall(30, gap=5, seed=3, split="test")
    np.testing.assert_array_equal(longer[:, :10], a)
    other, _ = delayed_recall(10, gap=5, seed=4, split="test")
    assert not np.array_equal(other, a)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(split="validation"), ValueError, "split: expected one of ('train', 'test'), got 'validation'"),
        (dict(noise=-0.1), ValueError, "noise: expected a standard deviation >= 0"),
        (dict(gap=2.5), TypeError, "gap: expected a whole number"),
        (dict(seed=-1), ValueError, "seed: expected at least 0"),
    ],
)
def test_bad_task_settings_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match.replace("(", r"\(").replace(")", r"\)")):
        delayed_recall(4, **{"gap": 3, **kwargs})


# --- the study ----------------------------------------------------------------------------------


def test_the_family_is_every_pair_of_models_at_each_gap():
    # 5 models: C(5, 2) = 10 pairs, at gaps 20 and 50
    assert len(M.PAIRS) == 20 == len(set(M.PAIRS))
    assert {t for *_, t in M.PAIRS} == {"recall, gap 20", "recall, gap 50"}
    assert all(a != b for a, b, _ in M.PAIRS)


def test_predicting_zero_scores_one_at_every_gap():
    for gap in M.STUDY_GAPS:
        _, _, _, ys = M.recall_sets(gap, 2)
        assert float(np.mean((ys - 0.0) ** 2)) == M.GUESS


def test_table_reads_the_runs():
    runs = [E.Run("GRU", "recall, gap 20", s, 0.0, v) for s, v in enumerate((0.1, 2.0, 0.3, 0.2))]
    text = M.table(runs)
    assert text.splitlines()[2] == "GRU  1/4      0.250 (0.175–0.725)"  # median of 0.1 0.2 0.3 2.0; q1 0.175, q3 0.725


def test_no_ordering_survives_at_ten_seeds_and_the_table_shows_why():
    _, runs = S.split_stored(S.stored_runs())
    assert {r.seed for r in runs} == set(E.CLAIM_SEEDS + E.HELD_BACK_SEEDS)
    comparisons = E.compare(runs, M.PAIRS, E.CLAIM_SEEDS)
    assert len(comparisons) == 20 and all(c.n == len(E.CLAIM_SEEDS) for c in comparisons)
    # nothing is 10 of 10 seeds one way, and nothing survives Holm over 20
    assert E.claims(runs, M.PAIRS) == []
    best = min(comparisons, key=lambda c: c.p)
    assert best.p > E.ALPHA / len(M.PAIRS)
    # what the lesson reads off the tables, on both seed sets
    for seeds in (E.CLAIM_SEEDS, E.HELD_BACK_SEEDS):
        s = E.summary(runs, M.guess(runs), seeds)
        assert s[("LSTM b_f=3", "recall, gap 20")]["failed"] == 0
        assert s[("LSTM b_f=0", "recall, gap 20")]["failed"] == 6
        assert min(s[(m, "recall, gap 50")]["failed"] for m in M.LABELS) >= 3
    # the lesson names the two closest: b_f = 3 below b_f = 0 and below b_f = 1 at gap 50, at the same p
    closest = sorted(E.oriented(c) for c in comparisons if c.p == best.p)
    assert closest == [("LSTM b_f=3", "LSTM b_f=0", "recall, gap 50"), ("LSTM b_f=3", "LSTM b_f=1", "recall, gap 50")]
    assert min(best.below, best.n - best.below) == 1 and best.p < 0.01  # 9 of 10 seeds one way


@pytest.mark.slow
def test_no_model_fails_the_short_gap():
    # at 3 seeds every model was below 0.05 at gap 5; at 10 seeds the GRU is not (seed 7), so what is claimed is only
    # that no run fails: 0/10 for every model
    runs = M.compare(gaps=(M.SHORT_GAP,), seeds=E.CLAIM_SEEDS)
    assert {(r.model, r.seed) for r in runs} == {(m, s) for m in M.LABELS for s in E.CLAIM_SEEDS}
    for r in runs:
        assert r.test_mse < M.GUESS, r
    assert max(r.test_mse for r in runs) > 0.05  # the old claim, which 10 seeds undo


def test_runs_are_reproducible():
    a = M.one_run("GRU", 5, 1)
    b = M.one_run("GRU", 5, 1)
    assert (a.train_mse, a.test_mse) == (b.train_mse, b.test_mse)
    assert (a.model, a.task, a.seed) == ("GRU", "recall, gap 5", 1)


# --- exploding gradients and clipping ---------------------------------------------------------


def test_the_gain_4_rnn_has_gradients_that_explode_with_the_gap():
    norms = M.gradient_norms(gaps=(5, 50, 100))
    tame, wild = norms[1.0], norms[M.EXPLODING["gain"]]
    assert wild[1] > 1000 * wild[0] and wild[2] > 1000 * wild[1]  # exponential in the gap
    assert max(tame) < 10 * min(tame)  # at gain 1 the norm stays within one order of magnitude


def test_clipping_bounds_every_sgd_step():
    lr, clip = M.CLIPPING["lr"], M.CLIPPING["clip"]
    clipped = M.clipping_demo(clip=clip)
    assert max(clipped["step"]) <= lr * clip * (1 + 1e-12)
    assert clipped["step"][0] == pytest.approx(lr * clip, rel=1e-12)  # the exploding first gradient, cut to clip
    free = M.clipping_demo(clip=None)
    assert free["step"][0] > 1000 * lr * clip  # without clipping the first step throws the weights far away
    assert all(np.isfinite(free["loss"])) and all(np.isfinite(clipped["loss"]))
