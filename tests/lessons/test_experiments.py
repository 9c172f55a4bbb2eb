"""The statistics of lesson 08's studies (lstm_core.lessons.experiments), against hand calculations: binomial sums
for the sign test, subset counts and a brute-force enumeration of sign patterns for Wilcoxon, the published n = 10
critical values, Holm's correction by hand, and summaries and tables of runs built here."""

import itertools
import math

import numpy as np
import pytest

from lstm_core.lessons import experiments as E


# --- the sign test: binomial sums by hand -----------------------------------------------------


@pytest.mark.parametrize("below, p", [
    (0, 2 / 1024),  # all 10 one way: 2 · C(10,0) / 2^10
    (10, 2 / 1024),
    (1, 2 * (1 + 10) / 1024),  # 2 · (C(10,0) + C(10,1)) / 2^10 = 0.0215
    (2, 2 * (1 + 10 + 45) / 1024),
    (8, 2 * (1 + 10 + 45) / 1024),
    (5, 1.0),  # 2 · 638 / 1024 > 1
])
def test_sign_test_is_the_binomial_sum(below, p):
    d = [-1.0] * below + [1.0] * (10 - below)
    out = E.sign_test(d)
    assert out["n"] == 10 and out["below"] == below
    assert out["p"] == pytest.approx(p, rel=1e-15)


def test_sign_test_drops_zeros():
    out = E.sign_test([0.0, -2.0, -1.0, -3.0, 0.0])
    assert (out["n"], out["below"]) == (3, 3) and out["p"] == pytest.approx(2 / 8)
    assert E.sign_test([0.0, 0.0])["p"] == 1.0


# --- Wilcoxon: by hand, by brute force, and the printed tables --------------------------------


def brute_wilcoxon(d):
    """Every one of the 2^n sign patterns, counted: the two-sided p of W+ (mean ranks for ties)."""
    d = [x for x in d if x != 0]
    a = sorted(abs(x) for x in d)
    rank = {v: (a.index(v) + 1 + len(a) - a[::-1].index(v)) / 2 for v in a}  # mean of first and last position
    r = [rank[abs(x)] for x in d]
    w = sum(rk for rk, x in zip(r, d) if x > 0)
    sums = [sum(rk for rk, s in zip(r, signs) if s) for signs in itertools.product((0, 1), repeat=len(r))]
    lo = sum(1 for s in sums if s <= w + 1e-9) / len(sums)
    hi = sum(1 for s in sums if s >= w - 1e-9) / len(sums)
    return min(1.0, 2 * min(lo, hi)), w


def test_wilcoxon_three_pairs_by_hand():
    # ranks 1, 2, 3; W+ = 1 + 3 = 4; the 8 subset sums 0 1 2 3 3 4 5 6: P(W+ >= 4) = 3/8, p = 6/8
    out = E.wilcoxon([1.0, -2.0, 3.0])
    assert (out["n"], out["w_plus"], out["w_minus"]) == (3, 4.0, 2.0)
    assert out["p"] == 0.75


def test_wilcoxon_ties_share_the_mean_rank():
    # |d| = 1, 1, 2: ranks 1.5, 1.5, 3; W+ = 4.5; doubled sums 0 3 3 6 6 9 9 12: P(2W+ >= 9) = 3/8
    out = E.wilcoxon([1.0, -1.0, 2.0])
    assert out["w_plus"] == 4.5 and out["p"] == 0.75


@pytest.mark.parametrize("w, count", [(8, 25), (9, 33)])
def test_wilcoxon_n10_matches_the_published_critical_values(w, count):
    # subsets of {1..10} summing to at most 8: 1+1+1+2+2+3+4+5+6 = 25 (to 9: 33): P = 25/1024 = 0.0244, two-sided
    # 0.0488 < 0.05 (the tables' critical value for n = 10 is 8), 0.0645 at 9
    ranks = list(range(1, 11))
    chosen = next(c for k in range(11) for c in itertools.combinations(ranks, k) if sum(c) == w)
    d = [float(r) if r in chosen else -float(r) for r in ranks]
    out = E.wilcoxon(d)
    assert out["w_plus"] == w
    assert out["p"] == pytest.approx(2 * count / 1024, rel=1e-15)
    assert (out["p"] < 0.05) == (w == 8)


def test_wilcoxon_agrees_with_the_brute_force_count():
    rng = np.random.default_rng(3)
    for n in (1, 2, 5, 8, 11):
        for _ in range(5):
            d = rng.normal(size=n)
            d[rng.random(n) < 0.2] = 0.0  # some zeros, dropped
            if n > 3:
                d[1] = -d[0]  # a tie of |d|
            p, w = brute_wilcoxon(list(d))
            out = E.wilcoxon(d)
            assert out["w_plus"] == pytest.approx(w)
            assert out["p"] == pytest.approx(p, rel=1e-12), d


def test_wilcoxon_all_one_way_at_ten_seeds_is_the_smallest_p():
    assert E.wilcoxon(np.arange(1.0, 11.0))["p"] == 2 / 1024
    assert E.wilcoxon(-np.arange(1.0, 11.0))["p"] == 2 / 1024
    assert E.wilcoxon([0.0, 0.0])["p"] == 1.0
    with pytest.raises(ValueError):
        E.wilcoxon([1.0, np.nan])


def test_subset_sum_counts_by_hand():
    assert E.subset_sum_counts([1, 2, 3]) == [1, 1, 1, 2, 1, 1, 1]
    assert sum(E.subset_sum_counts(list(range(1, 11)))) == 1024


def test_ranks_by_hand():
    np.testing.assert_array_equal(E.ranks([3.0, 1.0, 2.0, 2.0]), [4.0, 1.0, 2.5, 2.5])


# --- Holm ------------------------------------------------------------------------------------


def test_holm_by_hand():
    # sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 -> 0.06 (never below an earlier one)
    assert E.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert E.holm([0.5, 0.9]) == [1.0, 1.0]
    assert E.holm([0.002]) == [0.002]


# --- comparisons of runs built by hand -------------------------------------------------------


def runs_of(model, task, mse, seeds=range(10)):
    return [E.Run(model, task, s, 0.0, m) for s, m in zip(seeds, mse)]


def test_fold_difference_ranks_like_the_log_ratio():
    rng = np.random.default_rng(0)
    a, b = 10.0 ** rng.uniform(-4, 1, 50), 10.0 ** rng.uniform(-4, 1, 50)
    d = E.fold_difference(a, b)
    logs = np.array([math.log(x) - math.log(y) for x, y in zip(a, b)])
    np.testing.assert_array_equal(np.sign(d), np.sign(logs))
    np.testing.assert_array_equal(E.ranks(np.abs(d)), E.ranks(np.abs(logs)))
    assert E.fold_difference([0.1], [0.4])[0] == pytest.approx(-3.0)  # 4 times lower


def test_median_ratio_by_hand():
    assert E.median_ratio([4.0, 1.0, 9.0]) == 4.0
    assert E.median_ratio([1.0, 4.0, 9.0, 100.0]) == pytest.approx(6.0)  # sqrt(4 · 9)
    assert E.median_ratio([1.0, 1 / 4, 1 / 9, 1 / 100]) == pytest.approx(1 / 6.0)


def test_compare_counts_ratio_effect_and_p_by_hand():
    a = [0.01] * 9 + [2.0]  # below b at 9 seeds, far above at one
    b = [0.1] * 10
    runs = runs_of("A", "t", a) + runs_of("B", "t", b)
    (c,) = E.compare(runs, [("A", "B", "t")], range(10))
    assert (c.n, c.below) == (10, 9)
    assert c.ratio == pytest.approx(10.0)
    # |d|: nine of 9 (ranks 1..9 shared: 5 each), one of 19 (rank 10): W+ = 10, W- = 45, r = 35/55
    assert c.r == pytest.approx(35 / 55)
    w = E.wilcoxon(E.fold_difference(a, b))
    assert w["w_plus"] == 10.0 and c.p == w["p"] and c.p_holm == c.p  # a family of one
    assert c.winner == "A" and E.oriented(c) == ("A", "B", "t")
    assert E.comparison_text(c).startswith("A below B at 9/10 seeds (median ratio ×10")


def test_claims_and_confirm_on_runs_built_by_hand():
    task = "t"
    lo = [0.01 * (1 + s) for s in range(20)]
    hi = [1.0 + s for s in range(20)]
    flip = [0.5] * 10 + [100.0] * 10  # below HI on the claim seeds, above on the held-back ones
    runs = runs_of("LO", task, lo, range(20)) + runs_of("HI", task, hi, range(20)) + runs_of("F", task, flip, range(20))
    pairs = [("HI", "LO", task), ("F", "HI", task), ("F", "LO", task)]
    found = E.claims(runs, pairs)
    # 10/10 seeds each way: p = 2/1024, Holm ×3 = 0.0059 < 0.05 for all three
    assert found == [("LO", "HI", task), ("F", "HI", task), ("LO", "F", task)]
    checked = E.confirm(runs, found)
    assert [held for *_, held in checked] == [True, False, True]
    c = checked[1][1]
    assert c.winner == "HI" and c.p_holm == pytest.approx(3 * 2 / 1024)


def test_with_fifteen_comparisons_only_ten_of_ten_survives():
    # 15 · 2/1024 = 0.029 < 0.05. B is 2 .. 10 times below V at nine seeds (ranks 1..9) and 100 times above at one
    # (rank 10): W+ = 10, and the subsets of {1..10} summing to at most 10 number 1+1+1+2+2+3+4+5+6+8+10 = 43
    task = "t"
    base = [1.0] * 10
    nine = [1.0 / k for k in range(2, 11)] + [100.0]
    runs = runs_of("V", task, base) + runs_of("A", task, [0.1] * 10) + runs_of("B", task, nine)
    pairs = [("A", "V", task), ("B", "V", task)] + [("A", "V", task)] * 13  # a family of 15
    cs = E.compare(runs, pairs, range(10))
    assert cs[0].p_holm == pytest.approx(15 * 2 / 1024) and cs[0].significant
    assert cs[1].p == pytest.approx(2 * 43 / 1024, rel=1e-15)
    assert not cs[1].significant


# --- summaries, tables and chance ----------------------------------------------------------------


def test_quartiles_summary_and_failures_by_hand():
    mse = [float(k) / 10 for k in range(1, 11)]  # 0.1 .. 1.0
    assert E.quartiles(mse) == pytest.approx((0.325, 0.55, 0.775))  # linear: 1 + 0.25·9 = 3.25th value ...
    runs = runs_of("A", "t", mse)
    s = E.summary(runs, {"t": 0.7})[("A", "t")]
    assert s["failed"] == 4 and s["n"] == 10  # 0.7, 0.8, 0.9, 1.0 are at or above the guess
    assert (s["min"], s["max"]) == (0.1, 1.0)
    text = E.table(runs, {"t": 0.7}, {"A": "model A"})
    assert text.splitlines()[2] == "model A  4/10     0.550 (0.325–0.775)"
    with pytest.raises(KeyError, match="seed"):
        E.values(runs, "A", "t", [0, 11])


def test_clean_orderings_by_hand():
    assert E.clean_orderings({"a": [1, 2, 3], "b": [4, 5, 6], "c": [2.5, 7, 8]}) == 1  # only a < b
    assert E.clean_orderings({"a": [1, 2], "b": [3, 4], "c": [5, 6]}) == 3


def test_chance_orderings_come_one_time_in_twenty_per_pair():
    # two pretend models of 3 runs each, dealt from 6 different numbers: C(6, 3) = 20 deals, 2 of them clean
    # (either group the lowest three), so the mean count is 2/20; six groups: 30 ordered pairs · 1/20 = 1.5
    mse = np.arange(1.0, 7.0)
    k = E.chance_orderings(mse, groups=2, size=3, draws=4000, seed=1)
    assert set(np.unique(k)) <= {0, 1} and abs(k.mean() - 0.1) < 0.02
    k6 = E.chance_orderings(np.arange(1.0, 19.0), groups=6, size=3, draws=4000, seed=2)
    assert abs(k6.mean() - 1.5) < 0.1
    assert np.array_equal(k6, E.chance_orderings(np.arange(1.0, 19.0), groups=6, size=3, draws=4000, seed=2))
    with pytest.raises(ValueError, match="need 18 runs"):
        E.chance_orderings(np.arange(10.0))


def test_the_seed_sets_are_disjoint_and_ten_each():
    assert len(E.CLAIM_SEEDS) >= 10 and len(E.HELD_BACK_SEEDS) >= 10
    assert not set(E.CLAIM_SEEDS) & set(E.HELD_BACK_SEEDS)
