"""What matters inside the cell: the LSTM variants of Greff et al. (2017), one gate (or the output tanh) at a time.

Lesson 08 uses these; every number its explorer, printouts and questions show comes from here.

Notation
--------
variant  one of ``lstm_core.VARIANTS`` (``cell.cell_equations`` says which line each one changes)
x        the input level of the one-unit cell; a pattern turns it into x_1 .. x_T
T        steps, counted 1..T like the plots' axes
b_f      the forget-gate bias of the one-unit cell (f_t = σ(b_f) at every step there)
MSE      held-out mean squared error, (y_T - target)² averaged over test sequences

The one-unit cell of the explorer (H = D = 1, no recurrent weights: W_h = 0)::

    i_t = σ(x_t)        f_t = σ(b_f)        g_t = tanh(x_t)        o_t = σ(-1) ≈ 0.27
    c_t = f_t c_{t-1} + i_t g_t             h_t = o_t tanh(c_t)

With W_h = 0 and a steady input every gate has the same value at every step, and only c moves:
c_t = f c_{t-1} + i g. With f < 1 it settles at the fixed point c* = i g / (1 - f); with f = 1
(no forget gate) it grows by i g every step, without bound. Coupled (i = 1 - f) it settles at
c* = g: a running average of the candidates, never larger than |g| <= 1.

The study (``compare_variants``, ``study``): every variant trained on two tasks with the same seeds, data and
budget, judged on held-out data; ``lstm_core.lessons.experiments`` counts the failures, tests every variant against
the vanilla cell (Wilcoxon, Holm) on the claim seeds, and checks what survives on seeds held back. The runs the
lesson does not train itself are stored with the package (``lstm_core.lessons.l08_store``).
"""

import math
import time
from dataclasses import dataclass

import numpy as np

from ..cell import VARIANTS, sigmoid
from ..gates import GATE_NAMES
from ..gru import GRUParams
from ..loss import mse_loss
from ..params import LSTMParams
from ..sequence import forward
from ..tasks import delayed_recall, sine
from ..gradient_descent import train
from . import experiments as E
from . import l08_recall as R
from .questions import Question

# ====================================================================== the cell's variants, one line each

#: what each variant is called in the lesson, and the one line it changes (Greff et al. 2017's abbreviation)
VARIANT_NAMES = {
    "vanilla": "vanilla LSTM",
    "no_forget_gate": "no forget gate (NFG)",
    "no_input_gate": "no input gate (NIG)",
    "no_output_gate": "no output gate (NOG)",
    "no_output_tanh": "no output tanh (NOAF)",
    "coupled_input_forget": "coupled input and forget gates (CIFG)",
}
#: the short names of the tables and plots (Greff et al.'s abbreviations)
VARIANT_SHORT = {
    "vanilla": "vanilla",
    "no_forget_gate": "NFG",
    "no_input_gate": "NIG",
    "no_output_gate": "NOG",
    "no_output_tanh": "NOAF",
    "coupled_input_forget": "CIFG",
}
#: the changed line of each variant, as it reads in the equations
VARIANT_LINES = {
    "vanilla": None,
    "no_forget_gate": ("f", "f_t = 1"),
    "no_input_gate": ("i", "i_t = 1"),
    "no_output_gate": ("o", "o_t = 1"),
    "no_output_tanh": ("h", "h_t = o_t · c_t"),
    "coupled_input_forget": ("i", "i_t = 1 − f_t"),
}
#: the vanilla lines, in the order the lesson shows them
VANILLA_LINES = (
    ("i", "i_t = σ(W_xi x_t + W_hi h_{t−1} + b_i)"),
    ("f", "f_t = σ(W_xf x_t + W_hf h_{t−1} + b_f)"),
    ("g", "g_t = tanh(W_xg x_t + W_hg h_{t−1} + b_g)"),
    ("o", "o_t = σ(W_xo x_t + W_ho h_{t−1} + b_o)"),
    ("c", "c_t = f_t · c_{t−1} + i_t · g_t"),
    ("h", "h_t = o_t · tanh(c_t)"),
)


def variant_equations(variant):
    """The six lines of one step under ``variant``: ``[(symbol, line, changed)]``, the changed line replaced."""
    if variant not in VARIANTS:
        raise ValueError(f"variant: expected one of {', '.join(VARIANTS)}; got {variant!r}")
    changed = VARIANT_LINES[variant]
    out = []
    for k, line in VANILLA_LINES:
        if changed is not None and changed[0] == k:
            out.append((k, changed[1], True))
        else:
            out.append((k, line, False))
    return out


def variant_equations_text(variant):
    """The same lines for ``print``: the changed one marked with ◀."""
    return "\n".join(f"{line}{'   ◀ changed' if changed else ''}" for _, line, changed in variant_equations(variant))


# ====================================================================== the explorer's one-unit cell

#: the explorer's starting values
DEFAULTS = {"variant": "vanilla", "pattern": "steady", "x": 1.0, "b_f": 2.0, "T": 40}
#: the output gate's bias in the one-unit cell: o = σ(-1) ≈ 0.27 shows about a quarter of tanh(c)
OUTPUT_BIAS = -1.0
#: the input patterns: steady (x at every step), a pulse (x at step 1, then 0), on for the first half, then off
PATTERNS = ("steady", "pulse", "on, then off")
#: the explorer's longest sequence (also the sine task's long test length)
MAX_T = 60


def steady_cell(forget_bias=DEFAULTS["b_f"]):
    """The one-unit cell (H = D = 1, W_h = 0): i = σ(x), f = σ(b_f), g = tanh(x), o = σ(-1); readout y = h."""
    b_f = float(forget_bias)
    return LSTMParams(W_x=[[1.0], [0.0], [1.0], [0.0]], W_h=[[0.0], [0.0], [0.0], [0.0]],
                      b=[0.0, b_f, 0.0, OUTPUT_BIAS], W_y=[[1.0]], b_y=[0.0])


def pattern_inputs(pattern, x, T):
    """x_1 .. x_T as a (T,) array: ``steady`` x everywhere, ``pulse`` x at step 1, ``on, then off`` x for
    the first ceil(T / 2) steps."""
    if pattern not in PATTERNS:
        raise ValueError(f"pattern: expected one of {PATTERNS}, got {pattern!r}")
    T = int(T)
    if not 1 <= T <= MAX_T:
        raise ValueError(f"T: expected 1 <= T <= {MAX_T}, got {T}")
    xs = np.zeros(T)
    if pattern == "steady":
        xs[:] = x
    elif pattern == "pulse":
        xs[0] = x
    else:
        xs[: math.ceil(T / 2)] = x
    return xs


@dataclass(frozen=True)
class VariantRun:
    """The one-unit cell on one input: the chosen variant's Trace and the vanilla cell's, same weights."""

    variant: str
    pattern: str
    x: float
    forget_bias: float
    xs: np.ndarray  # (T,)
    trace: object  # lstm_core.Trace of the variant
    vanilla: object  # lstm_core.Trace of the vanilla cell

    @property
    def T(self):
        return len(self.xs)


def variant_run(variant=DEFAULTS["variant"], pattern=DEFAULTS["pattern"], x=DEFAULTS["x"],
                forget_bias=DEFAULTS["b_f"], T=DEFAULTS["T"], vanilla=None):
    """Run the one-unit cell under ``variant`` and as vanilla on the pattern's inputs.

    ``vanilla``: the vanilla Trace of the same inputs and b_f, if already computed (the explorer keeps it
    while only the variant changes); it is checked against the inputs, not trusted blindly.
    """
    params = steady_cell(forget_bias)
    xs = pattern_inputs(pattern, x, T)
    trace = forward(params, xs, variant=variant)
    if variant == "vanilla":
        vanilla = trace
    elif (vanilla is None or vanilla.x.shape != (len(xs), 1) or not np.array_equal(vanilla.x[:, 0], xs)
          or vanilla.variant != "vanilla"):
        vanilla = forward(params, xs)
    return VariantRun(variant, pattern, float(x), float(forget_bias), xs, trace, vanilla)


def steady_gates(x, forget_bias, variant="vanilla"):
    """``(i, f, g, o)`` of the one-unit cell under a steady input x: the same at every step (W_h = 0)."""
    trace = forward(steady_cell(forget_bias), [float(x)], variant=variant)
    return tuple(float(getattr(trace, k)[0, 0]) for k in ("i", "f", "g", "o"))


def fixed_point(x, forget_bias, variant="vanilla"):
    """Where c settles under a steady input x: i g / (1 - f), or None when f = 1 (c grows by i g per step)."""
    i, f, g, _ = steady_gates(x, forget_bias, variant)
    if f == 1.0:
        return None
    return i * g / (1.0 - f)


def _num(v):
    """4 decimals, a negative number in parentheses (it is multiplied or divided in the sentence)."""
    return f"({v:.4f})" if v < 0 else f"{v:.4f}"


def growth_note(run):
    """One sentence on what c does in ``run`` under a steady input, with the numbers (else None)."""
    if run.pattern != "steady":
        return None
    i, f, g, _ = steady_gates(run.x, run.forget_bias, run.variant)
    c_T = float(run.trace.c[-1, 0])
    if f == 1.0:
        if i * g == 0.0:
            return f"f = 1 and i·g = {_num(i)} · {_num(g)} = 0: nothing is written, and c stays: c_{run.T} = {c_T:.4f}."
        if i * g > 0:
            step = f"grows by i·g = {_num(i)} · {_num(g)} = {i * g:.4f}"
        else:
            step = f"falls by |i·g| = |{_num(i)} · {_num(g)}| = {-i * g:.4f}"
        return f"f = 1: c {step} every step, without bound: c_{run.T} = {c_T:.4f}."
    star = i * g / (1.0 - f)
    return (f"c settles at i·g / (1 − f) = {_num(i)} · {_num(g)} / (1 − {_num(f)}) = {star:.4f}; "
            f"c_{run.T} = {c_T:.4f}.")


# ====================================================================== the study: every variant on two tasks

#: the three columns: the delayed-recall task at gap 20, and the sine task judged at its training length and at
#: six times that length (one training serves both sine columns)
TASKS = ("recall, gap 20", "sine, 10 steps", "sine, 60 steps")
#: the delayed-recall task: l08_recall's data, model and budget at one gap; the same b_f for every variant
VARIANT_RECALL = dict(gap=20, forget_bias=1.0)
#: the smooth task: sine continuation, trained on ``length`` steps, judged on new phases at ``length`` and
#: at ``long_length`` steps (the test stream is ``sine``'s seed + ``test_seed``)
VARIANT_SINE = dict(n_train=32, n_test=256, length=10, long_length=60, step=0.3, test_seed=1000)
VARIANT_SINE_MODEL = dict(hidden_size=8)
VARIANT_SINE_TRAINING = dict(steps=60, lr=0.05, forget_bias=1.0)
#: what predicting 0 scores (E[target²]): a run at or above it failed
GUESS_MSE = {"recall, gap 20": 1.0, "sine, 10 steps": 0.5, "sine, 60 steps": 0.5}
#: a held-out MSE below this counts as learned
LEARNED = 0.05
#: the family of comparisons: every variant against the vanilla cell on every task, as Greff et al. compared each
#: variant with theirs; 15 in all, so an ordering needs Holm p < 0.05 (``experiments``)
PAIRS = tuple((v, "vanilla", t) for t in TASKS for v in VARIANTS if v != "vanilla")
#: what the study shows (``study``; tests/lessons/test_l08_variants.py re-runs it on the claim seeds and on the
#: held-back seeds): the only ordering that survives Holm's correction, and holds on the held-back seeds
CLAIMS = (("vanilla", "no_forget_gate", "sine, 60 steps"),)


def c_size(trace):
    """How large the cell state is at the last step: max over units of |c_T|, averaged over the sequences."""
    return float(np.mean(np.max(np.abs(trace.c_all[-1]), axis=-1)))


def carry(trace, xs):
    """Where the trained cell keeps x_1 at the end of the delayed-recall test set (``trace`` of ``xs``).

    The unit u whose c_T follows x_1 best (largest |corr(c_T, x_1)| over the test sequences), and the belt split
    into the first write and everything written after it (lesson 04):

        c_T = c_1 · Π_{t=2..T} f_t   +   Σ_{t=2..T} (Π_{s=t+1..T} f_s) i_t g_t
              the first write kept       the writes during the gap

    Returns ``dict(corr_c, prod_f, first_share, corr_writes)``: |corr(c_T, x_1)|; the product of f over the gap
    (mean over the sequences); the spread (std) of the first write's part as a fraction of c_T's; and
    |corr(writes, x_1)|.
    """
    x1 = np.asarray(xs)[0, :, 0]  # (B,)
    c_T = trace.c[-1]  # (B, H)
    corr = [abs(float(np.corrcoef(c_T[:, u], x1)[0, 1])) for u in range(c_T.shape[1])]
    u = int(np.argmax(corr))
    prod_f = np.prod(trace.f[1:, :, u], axis=0)  # (B,) Π over steps 2..T
    first = trace.c[0][:, u] * prod_f  # (B,)
    writes = c_T[:, u] - first  # (B,)
    return dict(corr_c=corr[u], prod_f=float(np.mean(prod_f)), first_share=float(np.std(first) / np.std(c_T[:, u])),
                corr_writes=abs(float(np.corrcoef(writes, x1)[0, 1])))


def recall_result(variant, seed, callback=None):
    """One variant on the delayed-recall task (l08_recall's settings at VARIANT_RECALL's gap): an experiments.Run,
    with ``carry``'s measurements in its ``detail``. ``callback(step, loss)`` before every Adam step."""
    gap = VARIANT_RECALL["gap"]
    learned, history, seconds = R.train_recall(LSTMParams, VARIANT_RECALL["forget_bias"], gap, seed, variant=variant,
                                               callback=callback)
    _, _, test_xs, test_ys = R.recall_sets(gap, seed)
    test, trace = mse_loss(learned, test_xs, test_ys, variant=variant)
    return E.Run(variant, TASKS[0], seed, history.final_loss, test, seconds,
                 dict(c_end=c_size(trace), **carry(trace, test_xs)))


def sine_sets(seed):
    """``(train_xs, train_ys, {length: (test_xs, test_ys)})`` of the smooth task for one seed."""
    s = VARIANT_SINE
    xs, ys = sine(s["n_train"], length=s["length"], step=s["step"], seed=seed)
    tests = {n: sine(s["n_test"], length=n, step=s["step"], seed=s["test_seed"] + seed)
             for n in (s["length"], s["long_length"])}
    return xs, ys, tests


def sine_results(variant, seed, callback=None):
    """One variant trained on the sine task, judged at the training length and at the long length: two Runs."""
    xs, ys, tests = sine_sets(seed)
    params = LSTMParams.random(1, VARIANT_SINE_MODEL["hidden_size"], 1, seed=seed)
    hook = None if callback is None else (lambda step, loss, _p: callback(step, loss))
    start = time.process_time()
    learned, history = train(params, xs, ys, seed=seed, callback=hook, variant=variant, fast=False,
                             **VARIANT_SINE_TRAINING)
    seconds = time.process_time() - start
    out = []
    for task, n in zip(TASKS[1:], (VARIANT_SINE["length"], VARIANT_SINE["long_length"])):
        test, trace = mse_loss(learned, *tests[n], variant=variant)
        out.append(E.Run(variant, task, seed, history.final_loss, test, seconds, dict(c_end=c_size(trace))))
    return out


#: the two trainings of one variant at one seed (the sine training is judged at two lengths)
TRAININGS = ("recall", "sine")


def total_steps(variants=VARIANTS, seeds=E.CLAIM_SEEDS, trainings=TRAININGS):
    """The most Adam steps ``compare_variants`` can take (recall runs may stop early): a progress bar's max."""
    per = {"recall": R.RECALL_TRAINING["steps"], "sine": VARIANT_SINE_TRAINING["steps"]}
    return len(variants) * len(seeds) * sum(per[t] for t in trainings)


def compare_variants(variants=VARIANTS, seeds=E.CLAIM_SEEDS, trainings=TRAININGS, callback=None):
    """Every variant on the delayed-recall task and the sine task (or only ``trainings``) with every seed: a list
    of experiments.Run.

    ``callback(done, total)`` after every Adam step: ``done`` counts the steps so far, with a run that stopped
    early counted as its full budget (so the bar ends at ``total``).
    """
    total = total_steps(variants, seeds, trainings)
    done = [0]

    def tick():
        base = done[0]
        return None if callback is None else (lambda step, loss: callback(base + step + 1, total))

    out = []
    for variant in variants:
        for seed in seeds:
            if "recall" in trainings:
                out.append(recall_result(variant, seed, tick()))
                done[0] += R.RECALL_TRAINING["steps"]
            if "sine" in trainings:
                out.extend(sine_results(variant, seed, tick()))
                done[0] += VARIANT_SINE_TRAINING["steps"]
            if callback is not None:
                callback(done[0], total)
    return out


def table(runs, seeds=None):
    """Failures k/n and the median held-out MSE (q1–q3) per variant (short names) and task."""
    return E.table(runs, GUESS_MSE, VARIANT_SHORT, seeds)


def study(runs):
    """The method on ``runs`` (claim seeds and held-back seeds): ``dict(comparisons, claims, confirmed)``, the 15
    comparisons on the claim seeds, the orderings that survive Holm's correction, and their check on the held-back
    seeds (``experiments.confirm``)."""
    found = E.claims(runs, PAIRS)
    return dict(comparisons=E.compare(runs, PAIRS, E.CLAIM_SEEDS), claims=found, confirmed=E.confirm(runs, found))


def comparison_lines(comparisons):
    """The family on the claim seeds, smallest p first: one line each."""
    return [f"{c.task:<15} " + E.comparison_text(c, VARIANT_SHORT)
            for c in sorted(comparisons, key=lambda c: (c.p, TASKS.index(c.task)))]


def claim_lines(found):
    """What the lesson may say: each claim of ``study(...)["confirmed"]`` that held on the held-back seeds."""
    lines = []
    for (lo, hi, task), c, held in found:
        if held:
            lines.append(f"{task}: {VARIANT_SHORT[lo]} below {VARIANT_SHORT[hi]}; held-back seeds: "
                         + E.comparison_text(c, VARIANT_SHORT).split(" at ", 1)[1])
    return lines


def failure_lines(runs):
    """Per task, the variants that never failed (k = 0) on both seed sets, and those that failed on both."""
    claim = E.summary(runs, GUESS_MSE, E.CLAIM_SEEDS)
    held = E.summary(runs, GUESS_MSE, E.HELD_BACK_SEEDS)
    lines = []
    for t in TASKS:
        never = [VARIANT_SHORT[v] for v in VARIANTS if claim[(v, t)]["failed"] == held[(v, t)]["failed"] == 0]
        both = [f"{VARIANT_SHORT[v]} ({claim[(v, t)]['failed']}/{claim[(v, t)]['n']} and "
                f"{held[(v, t)]['failed']}/{held[(v, t)]['n']})"
                for v in VARIANTS if claim[(v, t)]["failed"] > 0 and held[(v, t)]["failed"] > 0]
        lines.append(f"{t}: never failed: {', '.join(never) or 'none'}; failed on both seed sets: "
                     f"{', '.join(both) or 'none'}")
    return lines


def learned_everywhere(runs, task):
    """The variants whose every run on ``task`` (every seed in ``runs``) is below LEARNED."""
    return [v for v in VARIANTS if all(r.test_mse < LEARNED for r in runs if (r.model, r.task) == (v, task))]


def c_growth(runs, short=TASKS[1], long=TASKS[2]):
    """``{variant: (n,) c_end at the long length / c_end at the training length, per seed}`` of the sine runs."""
    seeds = E.seeds_of(runs)
    return {v: E.values(runs, v, long, seeds, "c_end") / E.values(runs, v, short, seeds, "c_end") for v in VARIANTS}


#: a run whose c grows more than this from 10 to 60 steps is counted in ``c_growth_lines``
GROWTH_COUNTED = 2.0


def c_growth_lines(runs):
    """Per variant: by how much c_end grows from 10 to 60 steps, lowest, median and highest over the seeds, and
    how many runs grew more than GROWTH_COUNTED times."""
    n = len(E.seeds_of(runs))
    lines = [f"{'':8} c at step 60 / c at step 10, over {n} seeds:  lowest  median  highest  "
             f"above ×{GROWTH_COUNTED:g}"]
    for v, k in c_growth(runs).items():
        lines.append(f"{VARIANT_SHORT[v]:<8} {'':43}×{k.min():<6.1f} ×{np.median(k):<6.1f} ×{k.max():<7.1f} "
                     f"{int(np.sum(k > GROWTH_COUNTED))}/{n}")
    return lines


def carry_lines(runs, variant="vanilla"):
    """The delayed-recall runs of ``variant``: per seed the MSE and ``carry``'s four numbers."""
    lines = ["seed  held-out MSE  |corr(c_T, x_1)|  Π f over the gap  first write's share  |corr(writes, x_1)|"]
    for r in sorted((r for r in runs if (r.model, r.task) == (variant, TASKS[0])), key=lambda r: r.seed):
        d = r.detail
        lines.append(f"{r.seed:4d}  {r.test_mse:12.3f}  {d['corr_c']:16.2f}  {d['prod_f']:16.2f}  "
                     f"{d['first_share']:19.2f}  {d['corr_writes']:19.2f}")
    return lines


def carry_summary(runs, variant="vanilla"):
    """One sentence with the ranges of ``carry``'s numbers over the runs of ``variant`` that learned."""
    ok = [r.detail for r in runs if (r.model, r.task) == (variant, TASKS[0]) and r.test_mse < LEARNED]
    n = sum(1 for r in runs if (r.model, r.task) == (variant, TASKS[0]))

    def span(key):
        v = [d[key] for d in ok]
        return f"{min(v):.2f} to {max(v):.2f}"

    return (f"In the {len(ok)} of {n} {variant} runs that learned (MSE < {LEARNED}): |corr(c_T, x_1)| "
            f"{span('corr_c')}, Π f {span('prod_f')}, first write's share {span('first_share')}, "
            f"|corr(writes, x_1)| {span('corr_writes')}.")


# ---------------------------------------------------------------------- what chance alone produces

#: the pretend experiment: six copies of one cell, three seeds each, dealt this many times
CHANCE = dict(groups=6, size=3, draws=2000, seed=0)
#: three-seed experiments on the real variants: these seed triples of the claim seeds
TRIPLES = ((0, 1, 2), (3, 4, 5), (6, 7, 8))


def chance_counts(runs, task, model="vanilla"):
    """(draws,) how many of 30 ordered pairs look like "every seed of A below every seed of B" when all six
    "variants" are the same cell (``model``'s runs on ``task`` at every seed in ``runs``, dealt three by three)."""
    mse = E.values(runs, model, task, E.seeds_of(runs))
    return E.chance_orderings(mse, CHANCE["groups"], CHANCE["size"], CHANCE["draws"], CHANCE["seed"])


def triple_orderings(runs, task, seeds):
    """The real six variants at three seeds: the ordered pairs (lower, higher) "held at every seed"."""
    by = {v: E.values(runs, v, task, seeds) for v in VARIANTS}
    return [(a, b) for a in VARIANTS for b in VARIANTS if a != b and by[a].max() < by[b].min()]


def chance_lines(runs):
    """Per task: the pretend experiment's mean count and how often it shows at least 1 and at least 3 orderings,
    then the counts of the real variants at each seed triple."""
    head = (f"{'':15} six copies of vanilla, 3 seeds each ({CHANCE['draws']} deals):   the six variants at seeds "
            + "  ".join(f"{t[0]}–{t[-1]}" for t in TRIPLES))
    lines = [head, f"{'':15} {'mean':>6} {'>= 1':>6} {'>= 3':>6}"]
    for t in TASKS:
        k = chance_counts(runs, t)
        real = "  ".join(f"{len(triple_orderings(runs, t, s)):3d}" for s in TRIPLES)
        lines.append(f"{t:<15} {k.mean():6.2f} {np.mean(k >= 1):6.0%} {np.mean(k >= 3):6.0%}{'':24}{real}")
    return lines


# ====================================================================== the GRU beside the LSTM


def parameter_counts(input_size=1, hidden_size=4):
    """The numbers of weights of one layer (readout excluded), counted from the arrays lstm_core builds, and in
    PyTorch's terms: ``{"LSTM": n, "GRU": n, "LSTM (PyTorch)": n, "GRU (PyTorch)": n}``.

    lstm_core's LSTM has one bias per gate (b, 4H), its GRU two (b_x and b_h, 3H each: the reset gate multiplies
    W_hn h + b_hn, so the two n biases are not one). PyTorch gives both cells two biases per gate (b_ih and b_hh),
    4H more for the LSTM; its GRU has exactly lstm_core's arrays.
    """
    lstm = LSTMParams.random(input_size, hidden_size, seed=0)
    gru = GRUParams.random(input_size, hidden_size, seed=0)
    n_lstm = sum(a.size for a in lstm.arrays().values())
    n_gru = sum(a.size for a in gru.arrays().values())
    return {"LSTM": n_lstm, "GRU": n_gru, "LSTM (PyTorch)": n_lstm + lstm.b.size, "GRU (PyTorch)": n_gru}


#: the two cells' equations side by side (the GRU's as PyTorch writes them); the rows pair what plays the same part
SIDE_BY_SIDE = (
    ("keep the old memory", "f_t = σ(W_xf x_t + W_hf h_{t−1} + b_f)", "z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)"),
    ("write the new", "i_t = σ(W_xi x_t + W_hi h_{t−1} + b_i)", "1 − z_t  (no gate of its own: coupled to z_t)"),
    ("candidate", "g_t = tanh(W_xg x_t + W_hg h_{t−1} + b_g)", "n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))"),
    ("how much of the past the candidate sees", "(none: always all of h_{t−1})", "r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)"),
    ("the memory", "c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t", "h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ n_t"),
    ("what the next layer sees", "h_t = o_t ⊙ tanh(c_t), o_t = σ(...)", "h_t itself (no output gate, no tanh)"),
)


def gru_hold(update_bias, steps=10, h0=0.8):
    """A one-unit GRU with no weights, only the update-gate bias: z = σ(b_z) at every step, the candidate n = 0,
    so h_t = z h_{t-1} = z^t h_0. Returns ``(z, h)``: the update gate and h_1 .. h_steps from ``gru_forward``."""
    from ..gru import gru_forward

    params = GRUParams(W_x=np.zeros((3, 1)), W_h=np.zeros((3, 1)), b_x=np.array([0.0, float(update_bias), 0.0]),
                       b_h=np.zeros(3))
    trace = gru_forward(params, np.zeros(steps), h0=[h0])
    return float(trace.z[0, 0]), trace.h[:, 0]


# ====================================================================== questions

#: the typed question: no forget gate, steady x = 1, how large is c after this many steps
GROW_STEPS = 20
#: the recall question: a forget gate held at this value over the gap
RECALL_F = 0.95


def kept_fraction(f, steps):
    """f · f · ... · f (``steps`` factors): what a belt with forget gate f keeps of what was written, by hand."""
    out = 1.0
    for _ in range(steps):
        out *= f
    return out


def questions():
    """The lesson's questions; the numbers from the one-unit cell, the study's answer from CLAIMS (tested)."""
    i, f, g, _ = steady_gates(1.0, DEFAULTS["b_f"], "no_forget_gate")
    grown = float(variant_run("no_forget_gate", "steady", 1.0, DEFAULTS["b_f"], GROW_STEPS).trace.c[-1, 0])
    vanilla_star = fixed_point(1.0, DEFAULTS["b_f"])
    _, f_c, g_c, _ = steady_gates(1.0, DEFAULTS["b_f"], "coupled_input_forget")
    cifg_T = float(variant_run("coupled_input_forget", "steady", 1.0, DEFAULTS["b_f"], MAX_T).trace.c[-1, 0])
    gap = VARIANT_RECALL["gap"]
    kept = kept_fraction(RECALL_F, gap)
    long_choices = ("no_forget_gate", "no_input_gate", "coupled_input_forget", "no_output_tanh")
    broken = [v for v in long_choices if ("vanilla", v, TASKS[2]) in CLAIMS]
    gate_choices = tuple(f"{k} ({GATE_NAMES[k]})" for k in ("f", "i", "o", "g"))
    return [
        Question(
            key="grow",
            prompt=(f"The explorer's cell without a forget gate (f = 1) gets the steady input x = 1: every step "
                    f"writes i·g = σ(1)·tanh(1) onto c, and nothing is ever taken off. Starting from c_0 = 0, what "
                    f"is c after {GROW_STEPS} steps? (4 decimals)"),
            answer=grown,
            hint=f"c_t = 1 · c_{{t−1}} + i·g, so c grows by the same amount, i·g = {i:.4f} · {g:.4f}, at every step.",
            explanation=(f"c_{GROW_STEPS} = {GROW_STEPS} · {i * g:.4f} = {grown:.4f}, and it keeps growing by "
                         f"{i * g:.4f} per step for as long as the input stays on. With the forget gate "
                         f"(b_f = {DEFAULTS['b_f']:g}, f = {sigmoid(DEFAULTS['b_f']):.4f}) the same cell settles at "
                         f"i·g / (1 − f) = {vanilla_star:.4f}."),
        ),
        Question(
            key="coupled",
            prompt=("Coupled gates (CIFG) write i = 1 − f. Under a steady input x, starting from c_0 = 0, how large "
                    "can |c| get?"),
            answer="never more than |g|, at most 1",
            choices=("it grows without bound", "never more than |g|, at most 1", "up to i·g / (1 − f), "
                     "which can be large", "it stays at 0"),
            hint="Write the update with i = 1 − f: c_t = f c_{t−1} + (1 − f) g. What kind of mean of c_{t−1} and g "
                 "is that?",
            kind="predict",
            feedback=(
                ("it grows without bound", "That is the cell without a forget gate, which only adds. Here every step "
                                           "also takes the fraction f off c before it writes."),
                ("up to i·g / (1 − f), which can be large", "That is the vanilla cell's resting value. With i = 1 − f "
                                                            "it becomes (1 − f) g / (1 − f) = g."),
                ("it stays at 0", "Only if g were 0: every step writes (1 − f)·g, and g = tanh(z_g) is not 0 here."),
            ),
            explanation=(f"c_t = f c_{{t−1}} + (1 − f) g is a weighted average of c_{{t−1}} and g, so from c_0 = 0 "
                         f"it climbs towards g and never passes it: with x = 1, g = tanh(1) = {g_c:.4f}, and after "
                         f"{MAX_T} steps c = {cifg_T:.4f}. The coupled cell trades the vanilla cell's freedom to "
                         f"write a lot (i and f both near 1) for a memory that cannot run away."),
        ),
        Question(
            key="recall",
            prompt=(f"The recall task: x_1 = ±1, then {gap} steps of noise, and the cell must answer x_1. Suppose a "
                    f"vanilla cell writes x_1 onto c at step 1 and its forget gate stays at f = {RECALL_F} through "
                    f"the {gap} steps of the gap. What fraction of that first write is still on c at the end? "
                    f"(4 decimals)"),
            answer=kept,
            hint="Each step of the gap multiplies what is on the belt by f.",
            explanation=(f"{RECALL_F}^{gap} = {kept:.4f}: about {kept:.0%} of the first write is left, under the "
                         f"noise written in the meantime, even with f as high as σ(3). Below, the trained cells' own "
                         f"numbers: what their forget gates keep over the gap, and how well they recall x_1."),
        ),
        Question(
            key="longer",
            prompt=(f"Each variant learns to continue a sine wave from {VARIANT_SINE['length']} steps, and then "
                    f"reads {VARIANT_SINE['long_length']} steps of a new wave. Which variant do you expect to do "
                    f"clearly worse than the vanilla cell on the longer input?"),
            answer=VARIANT_NAMES[broken[0]],
            choices=tuple(VARIANT_NAMES[v] for v in long_choices),
            hint=("Which cell's c never lets go of anything it has written, so that 50 more steps of input pile up "
                  "on it?"),
            kind="predict",
            feedback=tuple((VARIANT_NAMES[v], f"The {VARIANT_NAMES[v]} still has a forget gate, so what it wrote "
                                              "fades and c can stay in the range it was trained on; look for the "
                                              "cell that only adds.")
                           for v in long_choices if v != broken[0] and v in ("no_input_gate", "coupled_input_forget")),
            explanation=("Without a forget gate, c adds up every i·g it is ever given. A sine wave's writes do not "
                         "cancel exactly, so c drifts away from anything the network saw in 10 training steps, and "
                         "the readout answers from a c it never met."),
        ),
        Question(
            key="gru",
            prompt=("The GRU, as PyTorch writes it, updates h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}. Which of the "
                    "LSTM's gates does z_t play?"),
            answer=gate_choices[0],
            choices=gate_choices,
            hint="Which factor decides how much of the previous memory is kept?",
            kind="explain",
            feedback=(
                (gate_choices[1], "i_t scales what is written: in this GRU that is 1 − z_t, the complement of the "
                                  "gate asked about."),
                (gate_choices[2], "The GRU has no output gate: h_t is its memory and its output at once."),
                (gate_choices[3], "g is the candidate, not a gate: the GRU's candidate is n_t."),
            ),
            explanation=("z_t multiplies the old memory h_{t−1}, as f_t multiplies c_{t−1}: here it is the forget "
                         "gate (a keep gate). Its complement 1 − z_t writes the candidate, as i_t does, so the GRU's "
                         "input and forget gates are coupled like CIFG's. The letter is a convention: colah's "
                         "well-known post writes h_t = (1 − z_t) h_{t−1} + z_t h̃_t, and there z plays i."),
        ),
    ]


def question(key):
    """One question of this lesson by its key."""
    for q in questions():
        if q.key == key:
            return q
    raise KeyError(f"lesson 08 has no question {key!r}")


def main(argv=None):
    """Run the whole study (the variants at both seed sets) and print the table, the family of comparisons and
    what holds. (The stored runs are written by ``python -m lstm_core.lessons.l08_store``.)"""
    start = time.process_time()
    runs = compare_variants(seeds=E.CLAIM_SEEDS + E.HELD_BACK_SEEDS)
    print("\n".join(E.report_lines(runs, PAIRS, GUESS_MSE, VARIANT_SHORT)))
    print(f"\nsettings: recall {R.RECALL_TASK} {R.RECALL_MODEL} {R.RECALL_TRAINING} {VARIANT_RECALL}; "
          f"sine {VARIANT_SINE} {VARIANT_SINE_MODEL} {VARIANT_SINE_TRAINING}")
    print(f"CPU time: {time.process_time() - start:.1f} s for {len(runs)} results")


if __name__ == "__main__":
    main()
