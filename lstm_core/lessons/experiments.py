"""Experiments over random seeds, read honestly: runs, summaries, a paired test, Holm's correction, held-back seeds.

Lesson 08's two comparisons use this module: the cell's variants (``l08_variants``) and the models on the
delayed-recall task (``l08_recall``). Those modules train; this one only counts and tests. Numpy and ``math``
only: every p-value below is an exact count, written out, and ``tests/lessons/test_experiments.py`` checks them
against binomial sums and enumerations done by hand.

Notation
--------
run        one training: a model (a variant, or a model label), a task (a column), a random seed, its held-out MSE
n          the number of seeds (paired: model A and model B see the same data and start weights at one seed)
d_s        ± (max(MSE_A/MSE_B, MSE_B/MSE_A) − 1) at seed s, negative where A is lower: ranked like |log MSE_A − log MSE_B|
k/n        failures: runs no better than predicting 0 (held-out MSE >= the guess), out of n
median     of the held-out MSE over the seeds, with the quartiles q1–q3 as the spread

Equations
---------
Wilcoxon signed-rank (exact, two-sided): drop d_s = 0; rank |d_s| from 1 (ties share the mean rank);
    W+ = Σ rank(s) over d_s > 0.  Under "no difference" every sign is + or − with probability 1/2, so
    P(W+ = w) = #{subsets of the ranks that sum to w} / 2^n,   p = min(1, 2 · min(P(W+ <= w), P(W+ >= w)))
Sign test (exact, two-sided): k = #{d_s < 0} of the n nonzero d_s,   p = min(1, 2 · Σ_{j <= min(k, n−k)} C(n, j) / 2^n)
Holm's correction of m p-values (sorted p_(1) <= ... <= p_(m)):
    p_adj(j) = max_{l <= j} min(1, (m − l + 1) · p_(l))      reject where p_adj < α; the chance of one or more
    false orderings among all m comparisons stays below α.
Effect sizes: A below B at k of n seeds; the median ratio MSE_B / MSE_A over the seeds;
    the rank-biserial correlation r = (W− − W+) / (W+ + W−) in [−1, 1] (1: A below B at every seed).

With n = 10 the smallest two-sided p of either test is 2 / 2^10 = 0.00195 (A below B at all 10 seeds): so a
family of m comparisons can show an ordering only if 0.00195 · m < α. That is why the families are small.

The method, in three steps: write the claims from the claim seeds (``CLAIM_SEEDS``) with the test and Holm's
correction; test the same claims on seeds that were held back (``HELD_BACK_SEEDS``), again corrected; state only
what holds on both.
"""

import math
from dataclasses import dataclass, field

import numpy as np

#: the seeds the claims are written from
CLAIM_SEEDS = tuple(range(10))
#: ten more seeds, held back: the claims were not written from them, they only check them
HELD_BACK_SEEDS = tuple(range(10, 20))
#: the significance level of every family of comparisons (after Holm's correction)
ALPHA = 0.05
#: the test the orderings use, as the lesson names it
TEST_NAME = "Wilcoxon signed-rank test (exact, two-sided, paired by seed, on the ratio of the MSEs), Holm's correction"


@dataclass(frozen=True)
class Run:
    """One training run: its model, task and seed, the final training loss and the held-out MSE.

    ``seconds``: CPU time of the training (never printed: it differs between machines).
    ``detail``: what else the run measured, by name (lesson 08: how large c is at the end, what carries x_1).
    """

    model: str
    task: str
    seed: int
    train_mse: float
    test_mse: float
    seconds: float = 0.0
    detail: dict = field(default_factory=dict, compare=False)


def models_of(runs):
    """The models in ``runs``, in the order they first appear."""
    return list(dict.fromkeys(r.model for r in runs))


def tasks_of(runs):
    return list(dict.fromkeys(r.task for r in runs))


def seeds_of(runs):
    return list(dict.fromkeys(r.seed for r in runs))


def values(runs, model, task, seeds, name="test_mse"):
    """``name`` (a field, or a key of ``detail``) of ``model`` on ``task`` at each of ``seeds``, in that order: a (n,)
    array. A missing run is an error (a paired test needs every seed of both models)."""
    by = {(r.model, r.task, r.seed): (getattr(r, name) if hasattr(r, name) else r.detail[name]) for r in runs}
    missing = [s for s in seeds if (model, task, s) not in by]
    if missing:
        raise KeyError(f"no run of {model!r} on {task!r} at seed(s) {missing}")
    return np.array([by[(model, task, s)] for s in seeds], dtype=np.float64)


# ====================================================================== what one column says


def failures(mse, guess):
    """How many runs did no better than predicting 0: held-out MSE >= ``guess``."""
    return int(np.sum(np.asarray(mse) >= guess))


def quartiles(mse):
    """``(q1, median, q3)``: numpy's linear-interpolation percentiles 25, 50, 75."""
    q1, q2, q3 = np.percentile(np.asarray(mse, dtype=np.float64), [25.0, 50.0, 75.0])
    return float(q1), float(q2), float(q3)


def summary(runs, guess, seeds=None):
    """``{(model, task): dict(n, failed, q1, median, q3, min, max)}`` of the held-out MSE over ``seeds`` (default:
    every seed in ``runs``). ``guess``: ``{task: MSE of predicting 0}``, the failure line."""
    seeds = seeds_of(runs) if seeds is None else list(seeds)
    out = {}
    for task in tasks_of(runs):
        for model in models_of(runs):
            if not any((r.model, r.task) == (model, task) for r in runs):
                continue
            mse = values(runs, model, task, seeds)
            q1, med, q3 = quartiles(mse)
            out[(model, task)] = dict(n=len(mse), failed=failures(mse, guess[task]), q1=q1, median=med, q3=q3,
                                      min=float(mse.min()), max=float(mse.max()))
    return out


def mse_text(v):
    """An MSE for a table: 3 decimals from 0.001 up, else 1 significant digit in e-notation."""
    return f"{v:.3f}" if v >= 1e-3 else f"{v:.0e}"


def table(runs, guess, names=None, seeds=None):
    """One row per model, one column per task: failures k/n, and the median MSE (q1–q3)."""
    names = names or {}
    stats = summary(runs, guess, seeds)
    tasks = tasks_of(runs)
    rows = [["", *tasks], ["", *("failed   median (q1–q3)" for _ in tasks)]]
    for model in models_of(runs):
        cells = []
        for t in tasks:
            s = stats[(model, t)]
            fail = f"{s['failed']}/{s['n']}"
            cells.append(f"{fail:<6}   {mse_text(s['median'])} ({mse_text(s['q1'])}–{mse_text(s['q3'])})")
        rows.append([names.get(model, model), *cells])
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


# ====================================================================== exact paired tests


def ranks(a):
    """Ranks of ``a`` from 1, ties sharing their mean rank (as floats: 1, 2.5, 2.5, 4)."""
    a = np.asarray(a, dtype=np.float64)
    order = np.argsort(a, kind="stable")
    out = np.empty(len(a))
    sorted_a = a[order]
    start = 0
    while start < len(a):
        stop = start
        while stop + 1 < len(a) and sorted_a[stop + 1] == sorted_a[start]:
            stop += 1
        out[order[start : stop + 1]] = (start + stop) / 2.0 + 1.0  # the mean of ranks start+1 .. stop+1
        start = stop + 1
    return out


def subset_sum_counts(weights):
    """``counts[s]`` = how many of the 2^n subsets of the whole numbers ``weights`` sum to s (a knapsack count)."""
    counts = [1]  # the empty set sums to 0
    for w in weights:
        longer = counts + [0] * w
        for s, c in enumerate(counts):  # every subset so far, with w added
            longer[s + w] += c
        counts = longer
    return counts


def wilcoxon(d):
    """The exact two-sided Wilcoxon signed-rank test of the paired differences ``d``: ``dict(n, w_plus, w_minus,
    p)``. Zeros are dropped (n counts the rest); tied |d| share their mean rank, and the null distribution is
    counted exactly over the 2^n sign patterns (ranks doubled, so that half ranks are whole numbers)."""
    d = np.asarray(d, dtype=np.float64)
    if not np.all(np.isfinite(d)):
        raise ValueError("wilcoxon: the differences must be finite")
    d = d[d != 0.0]
    n = len(d)
    if n == 0:
        return dict(n=0, w_plus=0.0, w_minus=0.0, p=1.0)
    r2 = np.rint(2.0 * ranks(np.abs(d))).astype(int)  # doubled ranks: whole numbers
    w2 = int(r2[d > 0].sum())  # 2 W+
    counts = subset_sum_counts([int(x) for x in r2])
    total = 2**n
    below = sum(counts[: w2 + 1])  # P(2W+ <= w2) · 2^n
    above = sum(counts[w2:])  # P(2W+ >= w2) · 2^n
    p = min(1.0, 2.0 * min(below, above) / total)
    w_plus = w2 / 2.0
    return dict(n=n, w_plus=w_plus, w_minus=n * (n + 1) / 2.0 - w_plus, p=p)


def sign_test(d):
    """The exact two-sided sign test of the paired differences ``d``: ``dict(n, below, p)``, ``below`` the number of
    d < 0 among the n nonzero ones; p = 2 Σ_{j <= min(k, n − k)} C(n, j) / 2^n, at most 1."""
    d = np.asarray(d, dtype=np.float64)
    d = d[d != 0.0]
    n, k = len(d), int(np.sum(d < 0))
    if n == 0:
        return dict(n=0, below=0, p=1.0)
    tail = sum(math.comb(n, j) for j in range(min(k, n - k) + 1))
    return dict(n=n, below=k, p=min(1.0, 2.0 * tail / 2**n))


def holm(pvalues):
    """Holm's step-down adjustment: the adjusted p-values, in the order given (each is at least the raw one)."""
    p = [float(x) for x in pvalues]
    m = len(p)
    order = sorted(range(m), key=lambda j: (p[j], j))
    out = [0.0] * m
    running = 0.0
    for rank, j in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[j]))  # never below an earlier (smaller) one
        out[j] = running
    return out


# ====================================================================== orderings between two models


@dataclass(frozen=True)
class Comparison:
    """Model ``a`` against model ``b`` on ``task``, paired over ``n`` seeds.

    ``below``: seeds where a's MSE is lower; ``ratio``: the median over the seeds of MSE_b / MSE_a (``median_ratio``);
    ``r``: the rank-biserial correlation (1: a lower at every seed, −1: higher at every seed);
    ``p``: Wilcoxon's two-sided p; ``p_holm``: after Holm's correction over the family it was tested in.
    """

    a: str
    b: str
    task: str
    n: int
    below: int
    ratio: float
    r: float
    p: float
    p_holm: float

    @property
    def significant(self):
        return self.p_holm < ALPHA

    @property
    def winner(self):
        """The model with the lower MSE at most seeds, by the test's direction (W− > W+: a)."""
        return self.a if self.r > 0 else self.b


def fold_difference(mse_a, mse_b):
    """The paired differences the test ranks: ± (how many times larger − 1), negative where a is lower.

    |d| = max(a/b, b/a) − 1 ranks the seeds exactly as |log MSE_a − log MSE_b| does (a 10× gap counts the same
    at 0.001 as at 1), with IEEE division only: a logarithm's last bit depends on the CPU, and a rank must not.
    """
    mse_a, mse_b = np.asarray(mse_a, dtype=np.float64), np.asarray(mse_b, dtype=np.float64)
    fold = np.maximum(mse_a / mse_b, mse_b / mse_a) - 1.0  # (n,) >= 0
    return np.sign(mse_a - mse_b) * fold


def median_ratio(ratios):
    """The median of positive ratios, the two middle ones (even n) joined by their geometric mean, so that the
    median of 1/x is 1/(the median of x)."""
    x = np.sort(np.asarray(ratios, dtype=np.float64))
    n = len(x)
    return float(x[n // 2]) if n % 2 else float(np.sqrt(x[n // 2 - 1] * x[n // 2]))


def compare(runs, pairs, seeds):
    """Test every ``(a, b, task)`` of ``pairs`` on ``seeds``, as one family (Holm over all of them): Comparisons."""
    raw = []
    for a, b, task in pairs:
        mse_a, mse_b = values(runs, a, task, seeds), values(runs, b, task, seeds)
        d = fold_difference(mse_a, mse_b)  # (n,) < 0 where a is lower
        w = wilcoxon(d)
        total = w["w_plus"] + w["w_minus"]
        r = 0.0 if total == 0 else (w["w_minus"] - w["w_plus"]) / total
        raw.append((a, b, task, len(seeds), int(np.sum(d < 0)), median_ratio(mse_b / mse_a), r, w["p"]))
    adjusted = holm([x[-1] for x in raw])
    return [Comparison(*x, p_holm=p) for x, p in zip(raw, adjusted)]


def oriented(c):
    """The claim a significant Comparison makes: ``(lower, higher, task)``."""
    return (c.a, c.b, c.task) if c.winner == c.a else (c.b, c.a, c.task)


def claims(runs, pairs, seeds=CLAIM_SEEDS):
    """The orderings the claim seeds support: ``[(lower, higher, task)]`` whose Holm-corrected p < ALPHA."""
    return [oriented(c) for c in compare(runs, pairs, seeds) if c.significant]


def confirm(runs, found, seeds=HELD_BACK_SEEDS):
    """Test the claims ``found`` ``[(lower, higher, task)]`` again on ``seeds`` (one new family, Holm over the claims):
    ``[(claim, Comparison, held)]``, ``held`` when the ordering is significant there and points the same way."""
    out = []
    for claim, c in zip(found, compare(runs, found, seeds)):
        out.append((claim, c, bool(c.significant and c.winner == claim[0])))
    return out


def clean_orderings(mse_by_model):
    """How many ordered pairs (A, B) of the models have every one of A's values below every one of B's:
    the "held at every seed" reading. ``mse_by_model``: ``{model: values}``."""
    models = list(mse_by_model)
    return sum(1 for a in models for b in models
               if a != b and np.max(mse_by_model[a]) < np.min(mse_by_model[b]))


def chance_orderings(mse, groups=6, size=3, draws=2000, seed=0):
    """What chance alone produces: ``draws`` times, deal ``groups`` pretend models of ``size`` runs each out of
    ``mse`` (runs of ONE model with identical settings, different seeds) and count their clean orderings.
    Returns the (draws,) counts. Under no difference each ordered pair is clean with probability
    1 / C(2·size, size) (1/20 for 3 against 3), so about groups·(groups − 1)/20 = 1.5 false orderings per draw."""
    mse = np.asarray(mse, dtype=np.float64)
    if len(mse) < groups * size:
        raise ValueError(f"chance_orderings: {groups} groups of {size} need {groups * size} runs, got {len(mse)}")
    rng = np.random.default_rng(seed)
    counts = np.empty(draws, dtype=int)
    for k in range(draws):
        dealt = rng.permutation(len(mse))[: groups * size].reshape(groups, size)
        counts[k] = clean_orderings({g: mse[idx] for g, idx in enumerate(dealt)})
    return counts


# ====================================================================== sentences


def p_text(p):
    """A p-value in a sentence: 3 significant digits, never 0."""
    return f"{p:.3g}"


def comparison_text(c, names=None):
    """``"NFG above vanilla at 10/10 seeds (median ×41), p = 0.00195, Holm 0.0293"``: lower-first reading."""
    names = names or {}
    lo, hi, _ = oriented(c)
    k = c.below if lo == c.a else c.n - c.below
    ratio = c.ratio if lo == c.a else 1.0 / c.ratio
    return (f"{names.get(lo, lo)} below {names.get(hi, hi)} at {k}/{c.n} seeds "
            f"(median ratio ×{ratio:.3g}, r = {abs(c.r):.2f}), p = {p_text(c.p)}, Holm {p_text(c.p_holm)}")


def report_lines(runs, pairs, guess, names=None):
    """What a study's command prints: the table on each seed set, every comparison of the family on the claim
    seeds, and the claims with their check on the held-back seeds."""
    names = names or {}
    lines = []
    for label, seeds in (("claim seeds", CLAIM_SEEDS), ("held-back seeds", HELD_BACK_SEEDS)):
        lines += [f"{label} {seeds[0]}–{seeds[-1]}:", table(runs, guess, names, seeds), ""]
    lines.append(f"{len(pairs)} comparisons on the claim seeds, {TEST_NAME}:")
    lines += ["  " + comparison_text(c, names) + f"  [{c.task}]"
              for c in sorted(compare(runs, pairs, CLAIM_SEEDS), key=lambda c: (c.p, c.task))]
    found = claims(runs, pairs)
    lines.append(f"claims (Holm p < {ALPHA}): {len(found)}; on the held-back seeds:")
    lines += [f"  {'holds' if held else 'FAILS'}: " + comparison_text(c, names) + f"  [{c.task}]"
              for _, c, held in confirm(runs, found)]
    return lines
