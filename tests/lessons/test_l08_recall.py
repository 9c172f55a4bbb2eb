"""The delayed recall task (lstm_core.tasks) and the memory lesson's comparison, claims, exploding gradients and
clipping (lstm_core.lessons.memory_task)."""

import numpy as np
import pytest

from lstm_core.lessons import memory_task as M
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


# --- summaries and claims, on runs built by hand --------------------------------------------


def run(model, gap, seed, test):
    return M.Run(model, gap, seed, 0.0, test, 0.0)


def test_summary_table_and_claims_by_hand():
    runs = [run("A", 50, s, t) for s, t in enumerate((0.1, 0.2, 0.3))]
    runs += [run("B", 50, s, t) for s, t in enumerate((1.2, 1.5, 0.9))]
    runs += [run("C", 50, s, t) for s, t in enumerate((0.25, 1.1, 1.3))]  # overlaps A
    runs += [run("D", 50, s, t) for s, t in enumerate((1.05, 1.01, 1.02))]  # fails, but below B's worst
    runs += [run("E", 50, s, t) for s, t in enumerate((0.01, 0.02, 0.03))]  # learned, better than A
    stats = M.summary(runs)
    assert stats[("A", 50)]["mean"] == pytest.approx(0.2)
    assert stats[("A", 50)]["std"] == pytest.approx(np.sqrt(2 / 300))  # population std of 0.1, 0.2, 0.3
    assert (stats[("B", 50)]["min"], stats[("B", 50)]["max"]) == (0.9, 1.5)
    # A and E beat B and D (which failed, MSE >= 0.5, at every seed) at every seed; C overlaps A and B;
    # D < B is not claimed (D never beats predicting 0), nor E < A (both learned), nor anything < C (C learned once)
    assert sorted(M.claims(runs)) == [("A", "B", 50), ("A", "D", 50), ("E", "B", 50), ("E", "D", 50)]
    text = M.table(runs)
    assert "| A | 0.200 ± 0.082 (0.100–0.300) |" in text and "gap 50" in text and "3 seeds" in text


# --- the lesson's settings reproduce its claims ----------------------------------------------


@pytest.fixture(scope="module")
def claim_runs():
    models = sorted({m for a, b, _ in M.CLAIMS for m in (a, b)})
    gaps = sorted({g for *_, g in M.CLAIMS})
    return M.compare(models=models, gaps=gaps, seeds=M.SEEDS)


def test_the_claims_hold_at_every_seed(claim_runs):
    assert len(M.SEEDS) >= 3
    found = M.claims(claim_runs)
    for claim in M.CLAIMS:
        assert claim in found, (claim, M.table(claim_runs))


def test_every_model_learns_the_short_gap():
    runs = M.compare(gaps=(M.SHORT_GAP,), seeds=M.SEEDS)
    assert {r.model for r in runs} == {m[0] for m in M.MODELS}
    for r in runs:
        assert r.test_mse < M.SHORT_GAP_MSE, r


def test_runs_are_reproducible():
    a = M.one_run("GRU", 5, 1)
    b = M.one_run("GRU", 5, 1)
    assert (a.train_mse, a.test_mse) == (b.train_mse, b.test_mse)


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
