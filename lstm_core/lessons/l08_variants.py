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

The experiments (``compare_variants``): every variant trained on two tasks with the same seeds and budget,
judged on held-out data; ``claims`` keeps only what held at every seed, and ``tests/lessons/test_l08_variants.py``
re-runs the claims in ``CLAIMS``.
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
from . import memory_task
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


# ====================================================================== experiments over seeds

SEEDS = (0, 1, 2)
#: the memory task: memory_task's delayed recall, model and budget, at one gap; the same b_f for every variant
VARIANT_MEMORY = dict(gap=20, forget_bias=1.0)
#: the smooth task: sine continuation, trained on ``length`` steps, judged on new phases at ``length`` and
#: at ``long_length`` steps (the test stream is ``sine``'s seed + ``test_seed``)
VARIANT_SINE = dict(n_train=32, n_test=256, length=10, long_length=60, step=0.3, test_seed=1000)
VARIANT_SINE_MODEL = dict(hidden_size=8)
VARIANT_SINE_TRAINING = dict(steps=60, lr=0.05, forget_bias=1.0)

#: the three columns of the table
TASKS = ("memory, gap 20", "sine, 10 steps", "sine, 60 steps")
#: what scoring "no better than guessing" means per column: predicting 0 scores E[target²]
GUESS_MSE = {"memory, gap 20": 1.0, "sine, 10 steps": 0.5, "sine, 60 steps": 0.5}
#: "learned" means a held-out MSE below this at every seed
LEARNED = {"memory, gap 20": 0.05, "sine, 10 steps": 0.05, "sine, 60 steps": 0.05}


@dataclass(frozen=True)
class Result:
    """One variant on one task with one seed: the final training loss and the held-out MSE."""

    variant: str
    task: str
    seed: int
    train_mse: float
    test_mse: float
    seconds: float
    c_end: float = float("nan")  # how large c is at the last step: the largest |c_T| of the units, mean over tests


def c_size(trace):
    """How large the cell state is at the last step: max over units of |c_T|, averaged over the sequences."""
    return float(np.mean(np.max(np.abs(trace.c_all[-1]), axis=-1)))


def c_growth(results, short=TASKS[1], long=TASKS[2]):
    """``{variant: [c_end at the long length / c_end at the training length, per seed]}`` of the sine runs."""
    by = {(r.variant, r.task, r.seed): r.c_end for r in results}
    variants = list(dict.fromkeys(r.variant for r in results))
    seeds = list(dict.fromkeys(r.seed for r in results))
    return {v: [by[(v, long, s)] / by[(v, short, s)] for s in seeds] for v in variants}


def memory_result(variant, seed, callback=None):
    """One variant on the delayed recall task (memory_task's settings at VARIANT_MEMORY's gap): a Result.

    ``callback(step, loss)`` is called before every Adam step (a progress bar).
    """
    task, model, training = memory_task.MEMORY_TASK, memory_task.MEMORY_MODEL, dict(memory_task.MEMORY_TRAINING)
    gap = VARIANT_MEMORY["gap"]
    xs, ys = delayed_recall(task["n_train"], gap, noise=task["noise"], seed=seed, split="train")
    xs_test, ys_test = delayed_recall(task["n_test"], gap, noise=task["noise"], seed=seed, split="test")
    params = memory_task.make_params(LSTMParams, seed, model["hidden_size"])
    stop_below = training.pop("stop_below")

    def stop(step, loss, _params):  # memory_task's early stop, and the progress bar
        if callback is not None:
            callback(step, loss)
        return loss < stop_below

    start = time.process_time()
    learned, history = train(params, xs, ys, seed=seed, forget_bias=VARIANT_MEMORY["forget_bias"], callback=stop,
                             variant=variant, **training)
    seconds = time.process_time() - start
    test, trace = mse_loss(learned, xs_test, ys_test, variant=variant)
    return Result(variant, TASKS[0], seed, history.final_loss, test, seconds, c_size(trace))


def sine_sets(seed):
    """``(train_xs, train_ys, {length: (test_xs, test_ys)})`` of the smooth task for one seed."""
    s = VARIANT_SINE
    xs, ys = sine(s["n_train"], length=s["length"], step=s["step"], seed=seed)
    tests = {n: sine(s["n_test"], length=n, step=s["step"], seed=s["test_seed"] + seed)
             for n in (s["length"], s["long_length"])}
    return xs, ys, tests


def sine_results(variant, seed, callback=None):
    """One variant trained on the sine task, judged at the training length and at the long length: two Results."""
    xs, ys, tests = sine_sets(seed)
    params = LSTMParams.random(1, VARIANT_SINE_MODEL["hidden_size"], 1, seed=seed)
    hook = None if callback is None else (lambda step, loss, _p: callback(step, loss))
    start = time.process_time()
    learned, history = train(params, xs, ys, seed=seed, callback=hook, variant=variant, **VARIANT_SINE_TRAINING)
    seconds = time.process_time() - start
    out = []
    for task, n in zip(TASKS[1:], (VARIANT_SINE["length"], VARIANT_SINE["long_length"])):
        test, trace = mse_loss(learned, *tests[n], variant=variant)
        out.append(Result(variant, task, seed, history.final_loss, test, seconds, c_size(trace)))
    return out


def total_steps(variants=VARIANTS, seeds=SEEDS):
    """The most Adam steps ``compare_variants`` can take (memory runs may stop early): a progress bar's max."""
    return len(variants) * len(seeds) * (memory_task.MEMORY_TRAINING["steps"] + VARIANT_SINE_TRAINING["steps"])


def compare_variants(variants=VARIANTS, seeds=SEEDS, tasks=("memory", "sine"), callback=None):
    """Every variant on the memory task and the sine task with every seed: a list of Result.

    ``callback(done, total)`` after every Adam step: ``done`` counts the steps so far, with a run that stopped
    early counted as its full budget (so the bar ends at ``total``).
    """
    total = total_steps(variants, seeds)
    done = [0]

    def tick():
        base = done[0]

        def on_step(step, loss):
            if callback is not None:
                callback(base + step + 1, total)

        return on_step

    out = []
    for variant in variants:
        for seed in seeds:
            if "memory" in tasks:
                out.append(memory_result(variant, seed, tick()))
            done[0] += memory_task.MEMORY_TRAINING["steps"]
            if "sine" in tasks:
                out.extend(sine_results(variant, seed, tick()))
            done[0] += VARIANT_SINE_TRAINING["steps"]
            if callback is not None:
                callback(done[0], total)
    return out


def summary(results):
    """``{(variant, task): dict(mean, std, min, max, n)}`` of the held-out MSE over the seeds."""
    out = {}
    for key in dict.fromkeys((r.variant, r.task) for r in results):
        test = np.array([r.test_mse for r in results if (r.variant, r.task) == key])
        out[key] = dict(mean=float(test.mean()), std=float(test.std()), min=float(test.min()),
                        max=float(test.max()), n=len(test))
    return out


def mse_text(v):
    """An MSE for the table: 3 decimals from 0.001 up, else 1 significant digit in e-notation."""
    return f"{v:.3f}" if v >= 1e-3 else f"{v:.0e}"


def table(results):
    """The held-out MSE as text: one row per variant (short names), one column per task, mean ± std (min–max)
    over the seeds."""
    stats = summary(results)
    variants = list(dict.fromkeys(r.variant for r in results))
    tasks = list(dict.fromkeys(r.task for r in results))
    n = stats[(variants[0], tasks[0])]["n"]
    rows = [[f"{n} seeds"] + list(tasks)]
    for v in variants:
        cells = []
        for t in tasks:
            s = stats[(v, t)]
            cells.append(f"{mse_text(s['mean'])} ± {mse_text(s['std'])} ({mse_text(s['min'])}–{mse_text(s['max'])})")
        rows.append([VARIANT_SHORT[v]] + cells)
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


def claims(results):
    """What held at every seed, per task: ``dict(order=[(better, worse, task)], learned=[(variant, task)],
    failed=[(variant, task)])``.

    ``order``: every seed's held-out MSE of ``better`` is below every seed's of ``worse`` and below the guess
    (predicting 0). ``learned``: below LEARNED at every seed. ``failed``: at or above the guess at some seed.
    """
    stats = summary(results)
    variants = list(dict.fromkeys(r.variant for r in results))
    tasks = list(dict.fromkeys(r.task for r in results))
    order = [(a, b, t) for t in tasks for a in variants for b in variants
             if a != b and stats[(a, t)]["max"] < min(GUESS_MSE[t], stats[(b, t)]["min"])]
    learned = [(v, t) for t in tasks for v in variants if stats[(v, t)]["max"] < LEARNED[t]]
    failed = [(v, t) for t in tasks for v in variants if stats[(v, t)]["max"] >= GUESS_MSE[t]]
    return dict(order=order, learned=learned, failed=failed)


#: what the lesson says, because it held at every seed with the settings above (tests/lessons/test_l08_variants.py
#: re-runs it)
CLAIMS = dict(
    # trained on 10 steps of a sine wave and run on 60, the cell without a forget gate is worse than the vanilla
    # cell and the coupled cell at every seed (and the one without an output gate worse than both, the one without
    # an input gate worse than the coupled cell)
    order=(
        ("vanilla", "no_forget_gate", "sine, 60 steps"),
        ("coupled_input_forget", "no_forget_gate", "sine, 60 steps"),
        ("vanilla", "no_output_gate", "sine, 60 steps"),
        ("coupled_input_forget", "no_input_gate", "sine, 60 steps"),
        ("coupled_input_forget", "no_output_gate", "sine, 60 steps"),
    ),
    # at the length it was trained on, every variant learned the sine; on the memory task these three learned at
    # every seed
    learned=tuple((v, "sine, 10 steps") for v in VARIANTS) + (
        ("no_forget_gate", "memory, gap 20"),
        ("no_output_tanh", "memory, gap 20"),
        ("coupled_input_forget", "memory, gap 20"),
        ("coupled_input_forget", "sine, 60 steps"),
    ),
    # these scored no better than predicting 0 at one seed at least
    failed=(
        ("vanilla", "memory, gap 20"),
        ("no_input_gate", "memory, gap 20"),
        ("no_output_gate", "memory, gap 20"),
        ("no_forget_gate", "sine, 60 steps"),
        ("no_output_gate", "sine, 60 steps"),
        ("no_output_tanh", "sine, 60 steps"),
    ),
)


#: the trained cells' c from 10 to 60 steps (``c_growth``), held at every seed: without a forget gate c_end grows by
#: more than ``above``; the vanilla and the coupled cells' by less than ``below``
C_GROWTH = dict(grows=("no_forget_gate",), above=5.0, steady=("vanilla", "coupled_input_forget"), below=2.0)


def c_growth_lines(results):
    """Per variant: c_end at the training length and at the long length per seed, and the factor between."""
    by = {(r.variant, r.task, r.seed): r.c_end for r in results}
    seeds = list(dict.fromkeys(r.seed for r in results))
    growth = c_growth(results)
    lines = [("c_end    " + "   ".join(f"{f'seed {s}: 10 → 60 steps':<22}" for s in seeds)).rstrip()]
    for v, factors in growth.items():
        cells = [f"{by[(v, TASKS[1], s)]:5.2f} → {by[(v, TASKS[2], s)]:5.2f} (×{k:.1f})" for s, k in zip(seeds, factors)]
        lines.append(f"{VARIANT_SHORT[v]:<8} " + "   ".join(f"{c:<22}" for c in cells).rstrip())
    return lines


def claim_lines(results):
    """The claims that held in ``results``, as sentences (short names)."""
    found = claims(results)
    name = VARIANT_SHORT
    lines = [f"{t}: {name[a]} below {name[b]} at every seed" for a, b, t in found["order"]]
    for t in dict.fromkeys(t for _, t in found["learned"]):
        names = [name[v] for v, tt in found["learned"] if tt == t]
        lines.append(f"{t}: learned (held-out MSE below {LEARNED[t]}) at every seed: " + ", ".join(names))
    for t in dict.fromkeys(t for _, t in found["failed"]):
        names = [name[v] for v, tt in found["failed"] if tt == t]
        lines.append(f"{t}: no better than predicting 0 (MSE >= {GUESS_MSE[t]}) at a seed or more: "
                     + ", ".join(names))
    return lines


def memory_comparison(variant_results=(), callback=None):
    """``memory_task``'s five models (LSTM at b_f 0, 1, 3, tanh RNN, GRU) at VARIANT_MEMORY's gap, every seed of
    SEEDS: a list of ``memory_task.Run``, for ``memory_task.table`` and ``memory_task.claims``.

    The vanilla variant's memory runs are memory_task's "LSTM b_f=1" runs (the same task, model, budget, b_f and
    seed give the same numbers; ``tests/lessons/test_l08_variants.py`` checks it), so those found in ``variant_results``
    are reused instead of trained again. ``callback(done, total)`` after every run.
    """
    gap = VARIANT_MEMORY["gap"]
    reuse = {r.seed: r for r in variant_results if (r.variant, r.task) == ("vanilla", TASKS[0])}
    labels = [label for label, *_ in memory_task.MODELS]
    total = len(labels) * len(SEEDS)
    out = []
    for label in labels:
        for seed in SEEDS:
            if label == "LSTM b_f=1" and seed in reuse and VARIANT_MEMORY["forget_bias"] == 1.0:
                r = reuse[seed]
                out.append(memory_task.Run(label, gap, seed, r.train_mse, r.test_mse, r.seconds))
            else:
                out.append(memory_task.one_run(label, gap, seed))
            if callback is not None:
                callback(len(out), total)
    return out


# ====================================================================== the GRU beside the LSTM


def parameter_counts(input_size=1, hidden_size=4):
    """``{"LSTM": n, "GRU": n}``: the numbers of weights (readout excluded) of one layer of each, counted from
    the arrays lstm_core builds."""
    lstm = LSTMParams.random(input_size, hidden_size, seed=0)
    gru = GRUParams.random(input_size, hidden_size, seed=0)
    return {"LSTM": sum(a.size for a in lstm.arrays().values()),
            "GRU": sum(a.size for a in gru.arrays().values())}


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


def questions():
    """The lesson's questions; the numbers from the one-unit cell, the experiment answers from CLAIMS (tested)."""
    i, f, g, _ = steady_gates(1.0, DEFAULTS["b_f"], "no_forget_gate")
    grown = float(variant_run("no_forget_gate", "steady", 1.0, DEFAULTS["b_f"], GROW_STEPS).trace.c[-1, 0])
    vanilla_star = fixed_point(1.0, DEFAULTS["b_f"])
    _, f_c, g_c, _ = steady_gates(1.0, DEFAULTS["b_f"], "coupled_input_forget")
    cifg_T = float(variant_run("coupled_input_forget", "steady", 1.0, DEFAULTS["b_f"], MAX_T).trace.c[-1, 0])
    memory_choices = ("vanilla", "no_forget_gate", "no_input_gate", "no_output_gate")
    learned_memory = [v for v in memory_choices if (v, "memory, gap 20") in CLAIMS["learned"]]
    failed = [VARIANT_NAMES[v] for v in memory_choices if (v, "memory, gap 20") in CLAIMS["failed"]]
    failed_memory = ", ".join(failed)
    failed_variants = [v for v in memory_choices if (v, "memory, gap 20") in CLAIMS["failed"]]
    long_choices = ("no_forget_gate", "no_input_gate", "coupled_input_forget", "no_output_tanh")
    broken = [v for v in long_choices if all((o, v, "sine, 60 steps") in CLAIMS["order"]
                                             for o in ("vanilla", "coupled_input_forget"))]
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
            prompt=("Coupled gates (CIFG) write i = 1 − f: whatever fraction of c is forgotten is replaced by that "
                    "fraction of the candidate g. Under a steady input, how large can |c| get?"),
            answer="never more than |g|, at most 1",
            choices=("it grows without bound", "never more than |g|, at most 1", "up to i·g / (1 − f), "
                     "which can be large", "it stays at 0"),
            hint="c_t = f c_{t−1} + (1 − f) g is a weighted average of c_{t−1} and g. Where does an average lie?",
            kind="predict",
            feedback=(
                ("it grows without bound", "That is the cell without a forget gate, which only adds. Here every step "
                                           "also takes the fraction f off c before it writes."),
                ("up to i·g / (1 − f), which can be large", "That is the vanilla cell's resting value. With i = 1 − f "
                                                            "it becomes (1 − f) g / (1 − f) = g."),
                ("it stays at 0", "Only if g were 0: every step writes (1 − f)·g, and g = tanh(z_g) is not 0 here."),
            ),
            explanation=(f"c_t = f c_{{t−1}} + (1 − f) g is a running average of the candidates, so from c_0 = 0 "
                         f"it climbs towards g and never passes it: with x = 1, g = tanh(1) = {g_c:.4f}, and after "
                         f"{MAX_T} steps c = {cifg_T:.4f}. The coupled cell trades the vanilla cell's freedom to "
                         f"write a lot (i and f both near 1) for a memory that cannot run away."),
        ),
        Question(
            key="memory",
            prompt=(f"Each variant is trained to recall x_1 = ±1 after {VARIANT_MEMORY['gap']} noisy steps, "
                    f"{len(SEEDS)} times with different seeds (forget-gate bias b_f = "
                    f"{VARIANT_MEMORY['forget_bias']:g} where there is one). Which of these do you expect to learn it "
                    f"at every seed?"),
            answer=VARIANT_NAMES[learned_memory[0]],
            choices=tuple(VARIANT_NAMES[v] for v in memory_choices),
            hint=("The task is to hold one number, unchanged, for 20 steps. Which cell holds a number exactly, "
                  "without having to learn f ≈ 1 first?"),
            kind="predict",
            feedback=tuple((VARIANT_NAMES[v], f"The {VARIANT_NAMES[v]} has a forget gate that starts at σ(b_f) < 1: "
                                              "before it can hold x_1 for 20 steps it must learn to keep f near 1, "
                                              "and at one seed or more it did not within the training budget.")
                           for v in memory_choices if v != learned_memory[0] and v in failed_variants),
            explanation=("Without a forget gate f = 1 exactly: what is written stays, and the gradient rides the "
                         "belt back to x_1 undamped (lesson 05). The other cells must first learn to keep f near 1, "
                         f"and at one seed or more these did not get there in the training budget: {failed_memory}. "
                         "This was the LSTM of 1997: it had no forget gate, and it was built for exactly this kind "
                         "of task."),
        ),
        Question(
            key="longer",
            prompt=(f"Now each variant learns to continue a sine wave from {VARIANT_SINE['length']} steps, and "
                    f"then reads {VARIANT_SINE['long_length']} steps of a new wave. Which variant do you expect to "
                    f"break on the longer input, at every seed?"),
            answer=VARIANT_NAMES[broken[0]],
            choices=tuple(VARIANT_NAMES[v] for v in long_choices),
            hint=("Which cell's c never lets go of anything it has written, so that 50 more steps of input pile up "
                  "on it?"),
            kind="predict",
            feedback=tuple((VARIANT_NAMES[v], f"The {VARIANT_NAMES[v]} still has a forget gate, so what it wrote "
                                              "fades and c stays in the range it was trained on; look for the cell "
                                              "that only adds.")
                           for v in long_choices if v != broken[0] and v in ("no_input_gate", "coupled_input_forget")),
            explanation=("Without a forget gate, c adds up every i·g it is ever given. A sine wave's writes do not "
                         "cancel exactly, so c drifts away from anything the network saw in 10 training steps, and "
                         "the readout answers from a c it never met. The vanilla and the coupled cells forget, so "
                         "their c stays in the range they were trained on."),
        ),
        Question(
            key="gru",
            prompt=("The GRU updates h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}. Which of the LSTM's gates does z_t play?"),
            answer=gate_choices[0],
            choices=gate_choices,
            hint="Which factor decides how much of the previous memory is kept?",
            kind="explain",
            feedback=(
                (gate_choices[1], "i_t scales what is written: in the GRU that is 1 − z_t, the complement of the "
                                  "gate asked about."),
                (gate_choices[2], "The GRU has no output gate: h_t is its memory and its output at once."),
                (gate_choices[3], "g is the candidate, not a gate: the GRU's candidate is n_t."),
            ),
            explanation=("z_t multiplies the old memory h_{t−1}, as f_t multiplies c_{t−1}: it is the forget gate "
                         "(a keep gate). Its complement 1 − z_t writes the candidate, as i_t does, so the GRU's "
                         "input and forget gates are coupled like CIFG's."),
        ),
    ]


def question(key):
    """One question of this lesson by its key."""
    for q in questions():
        if q.key == key:
            return q
    raise KeyError(f"lesson 08 has no question {key!r}")


def main():
    """Run the whole comparison (every variant, both tasks, every seed) and print the table and the claims."""
    start = time.perf_counter()
    results = compare_variants()
    seconds = time.perf_counter() - start
    print(table(results))
    print(f"\nsettings: memory {memory_task.MEMORY_TASK} {memory_task.MEMORY_MODEL} {memory_task.MEMORY_TRAINING} "
          f"{VARIANT_MEMORY}; sine {VARIANT_SINE} {VARIANT_SINE_MODEL} {VARIANT_SINE_TRAINING}; seeds {SEEDS}")
    cpu = sum(r.seconds for r in results if r.task != TASKS[2])  # a sine run's two rows share one training
    print(f"wall time {seconds:.1f} s, CPU time in training {cpu:.1f} s")
    print("\nheld over every seed:")
    for line in claim_lines(results):
        print("  " + line)


if __name__ == "__main__":
    main()
