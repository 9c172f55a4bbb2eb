"""How fast is lstm_core's forward and forward + backward? Prints a table; not a test.

    .venv/bin/python benchmarks/core_speed.py             # lstm_core vs the vector worked example's loop
    /tmp/torchenv/bin/python benchmarks/core_speed.py     # ... and vs torch.nn.LSTM (CPU), if importable
    .venv/bin/python benchmarks/core_speed.py --quick     # 4 sizes instead of 36

Columns, per size (B sequences, T steps, H hidden units, D inputs), all medians in milliseconds:

- ``ours fwd``: the fast path, ``lstm_core.forward(params, xs, fast=True)`` with xs (T, B, D) (it keeps
  the whole Trace).
- ``ours f+b``: the fast path, ``forward(..., fast=True)`` then ``backward(params, trace, dh, fast=True)``
  with a random dh (T, B, H): gradients of W_x, W_h, b, xs, h0, c0.
- ``plain fwd``, ``plain f+b``: the reading path, ``forward`` (then ``backward``) with their defaults: the
  plain loops that the lessons run and a reader meets first, with lstm_core.elementary's CPU-independent
  σ and tanh and fixed-order sums.
- ``example fwd``: the vector worked example's forward (shared/seeds/vector_lstm_worked_example.txt) as
  it was written: four (H, D+H) matrices over ``np.vstack((x, h))`` column vectors, one step at a time,
  one sequence of the batch at a time, numpy's np.exp and np.tanh. It has no backward pass, so this
  column is FORWARD ONLY.
- ``torch64 / torch32``: ``torch.nn.LSTM(D, H)`` on the CPU, float64 / float32, same weights, inputs
  (T, B, D). Forward under ``torch.no_grad()`` (what a forward-only user runs, and the faster torch
  path); f+b is forward with autograd + ``torch.autograd.grad`` of the same outputs w.r.t. the same
  parameters and the input, with the same dh. Only when ``import torch`` works; torch is never a
  dependency of the suite.

Everything runs on ONE thread: OPENBLAS/OMP/MKL_NUM_THREADS=1 are set before numpy is imported
(unless already set) and ``torch.set_num_threads(1)``. Ratios are ``theirs / ours`` (> 1: ours is
faster), computed from the medians of the same run. Timing: time.perf_counter; per size, after a
warm-up call of each, the contenders are timed in turn, 3 to 5 repeats of each, every repeat
long enough (several calls in a row for fast ones) to last ~0.15 s / repeats, so load on the
machine hits them alike; the median repeat is reported. The same repeats are also timed by
time.thread_time (CPU time of this thread, where all of it runs), printed as a second table:
on a shared machine the wall clock also counts time when other processes held the core. When
one call of the worked example's loop takes over 0.25 s it is timed by a single call (marked *),
not a median. The whole grid (36 sizes) takes a few minutes on an idle 2-core machine (--quick: 4 sizes).
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # so that any python with numpy (e.g. a torch env) can run it

import numpy as np  # noqa: E402

import lstm_core as L  # noqa: E402

try:
    import torch  # noqa: E402
except ImportError:
    torch = None

OUT = Path(__file__).resolve().parent / "out"

GRID = dict(B=(1, 32), T=(3, 50, 200), H=(2, 16, 64), D=(1, 16))
QUICK = [(1, 50, 16, 1), (1, 200, 16, 1), (32, 50, 16, 1), (32, 50, 64, 16)]
# The learner sizes: one sequence, up to 200 steps, up to 16 units
LEARNER = lambda size: size[0] == 1 and size[1] <= 200 and size[2] <= 16  # noqa: E731
BUDGET_S = 0.15  # seconds per contender and size (at least 3 repeats of one call when slower)
EXAMPLE_SLOW_S = 0.25  # one call of the worked example's loop slower than this: timed once (after a warm-up), marked *


# --------------------------------------------------------------------------- timing
def interleaved_medians(fns, budget=BUDGET_S, min_repeats=3, max_repeats=5):
    """Median seconds per call of each ``fns[name]()``, the contenders timed in turn.

    Each repeat times every contender once (``number`` calls in a row, chosen so that a repeat
    of it lasts about budget / repeats), so a burst of load on the machine hits them all alike.
    Returns ``{name: (median wall seconds, median CPU seconds)}``: wall by time.perf_counter,
    CPU by time.thread_time of this thread (everything here runs on it: one BLAS thread, one
    torch thread), which leaves out the time the machine's other work took the core away.
    """
    first = {}
    for name, fn in fns.items():  # a warm-up call each (first-call allocations, lazy initialisation)
        start = time.perf_counter()
        fn()
        first[name] = max(time.perf_counter() - start, 1e-7)  # an upper bound of a later call
    repeats = int(min(max_repeats, max(min_repeats, budget / max(first.values()))))
    number = {n: max(1, int(budget / repeats / first[n])) for n in fns}
    wall = {n: [] for n in fns}
    cpu = {n: [] for n in fns}
    for _ in range(repeats):
        for n, fn in fns.items():
            k = number[n]
            start, start_cpu = time.perf_counter(), time.thread_time()
            for _ in range(k):
                fn()
            cpu[n].append((time.thread_time() - start_cpu) / k)
            wall[n].append((time.perf_counter() - start) / k)
    return {n: (float(np.median(wall[n])), float(np.median(cpu[n]))) for n in fns}


# --------------------------------------------------------------------------- the worked example, as written
class ExampleLSTM:
    """The vector worked example's forward, operation for operation (per-gate (H, D+H) weights over [x; h])."""

    def __init__(self, params):
        H = params.hidden_size
        # LSTMParams stacks i, f, g, o; the worked example keeps Wf, Wi, Wc, Wo over [x; h] and (H, 1) biases
        blocks = {k: np.hstack(params.gate(k)[:2]) for k in L.GATES}  # (H, D+H) each
        self.Wf, self.Wi, self.Wc, self.Wo = blocks["f"], blocks["i"], blocks["g"], blocks["o"]
        self.bf, self.bi, self.bc, self.bo = (params.gate(k)[2].reshape(H, 1) for k in ("f", "i", "g", "o"))
        self.hidden_dim = H

    @staticmethod
    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    @staticmethod
    def tanh(x):
        return np.tanh(x)

    def forward(self, x_sequence, h_prev=None, c_prev=None):
        h_prev = h_prev if h_prev is not None else np.zeros((self.hidden_dim, 1))
        c_prev = c_prev if c_prev is not None else np.zeros((self.hidden_dim, 1))
        x_sequence = x_sequence.reshape(-1, 1) if x_sequence.ndim == 1 else x_sequence
        h_states, c_states, gate_values = [h_prev], [c_prev], []
        h, c = h_prev, c_prev
        for x in x_sequence:
            x = x.reshape(-1, 1)
            concat = np.vstack((x, h))
            f = self.sigmoid(np.dot(self.Wf, concat) + self.bf)
            i = self.sigmoid(np.dot(self.Wi, concat) + self.bi)
            c_tilde = self.tanh(np.dot(self.Wc, concat) + self.bc)
            o = self.sigmoid(np.dot(self.Wo, concat) + self.bo)
            c = f * c + i * c_tilde
            h = o * self.tanh(c)
            h_states.append(h)
            c_states.append(c)
            gate_values.append({"forget_gate": f, "input_gate": i, "candidate_cell": c_tilde, "cell_state": c,
                                "output_gate": o, "hidden_state": h})
        return h_states[1:], c_states[1:], gate_values

    def forward_batch(self, xs):
        """The worked example has no batch axis: one forward per sequence of xs (T, B, D)."""
        return [self.forward(xs[:, b]) for b in range(xs.shape[1])]


# --------------------------------------------------------------------------- one size
def make_problem(B, T, H, D, seed=0):
    rng = np.random.default_rng(seed)
    scale = 1.0 / np.sqrt(H)
    params = L.LSTMParams(W_x=rng.uniform(-scale, scale, (4 * H, D)), W_h=rng.uniform(-scale, scale, (4 * H, H)),
                          b=rng.uniform(-scale, scale, 4 * H))
    xs = rng.normal(size=(T, B, D))  # (T, B, D)
    dh = rng.normal(size=(T, B, H))  # (T, B, H)
    return params, xs, dh


def torch_runs(params, xs, dh, dtype):
    """(forward, forward+backward) closures for torch.nn.LSTM with our weights, after an agreement check."""
    T, B, D = xs.shape
    H = params.hidden_size
    lstm = torch.nn.LSTM(D, H, dtype=dtype)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.from_numpy(params.W_x))  # same i, f, g, o stacking
        lstm.weight_hh_l0.copy_(torch.from_numpy(params.W_h))
        lstm.bias_ih_l0.copy_(torch.from_numpy(params.b))
        lstm.bias_hh_l0.zero_()
    x = torch.from_numpy(xs).to(dtype)
    x_grad = x.clone().requires_grad_(True)
    g = torch.from_numpy(dh).to(dtype)
    weights = list(lstm.parameters())

    def fwd():
        with torch.no_grad():
            return lstm(x)

    def fwd_bwd():
        out, _ = lstm(x_grad)
        return torch.autograd.grad(out, [x_grad] + weights, grad_outputs=g)

    # the same numbers as lstm_core (a loose check for float32)
    ours = L.forward(params, xs).h
    tol = 1e-10 if dtype == torch.float64 else 1e-4
    err = float(np.max(np.abs(fwd()[0].double().numpy() - ours)))
    if err > tol:
        raise AssertionError(f"torch {dtype} disagrees with lstm_core by {err}")
    return fwd, fwd_bwd


def run_size(B, T, H, D):
    params, xs, dh = make_problem(B, T, H, D)
    example = ExampleLSTM(params)
    fns = {
        "ours_fwd": lambda: L.forward(params, xs, fast=True),
        "ours_fb": lambda: L.backward(params, L.forward(params, xs, fast=True), dh, fast=True),
        "plain_fwd": lambda: L.forward(params, xs),
        "plain_fb": lambda: L.backward(params, L.forward(params, xs), dh),
        "example_fwd": lambda: example.forward_batch(xs),
    }
    if torch is not None:
        for name, dtype in (("t64", torch.float64), ("t32", torch.float32)):
            fns[f"{name}_fwd"], fns[f"{name}_fb"] = torch_runs(params, xs, dh, dtype)
    # A slow worked-example loop is timed by one call (after this first, warm-up, call), apart from
    # the others, so that it does not set their number of repeats.
    slow = {}
    start = time.perf_counter()
    fns["example_fwd"]()
    if time.perf_counter() - start > EXAMPLE_SLOW_S:
        example_fwd = fns.pop("example_fwd")
        start, start_cpu = time.perf_counter(), time.thread_time()
        example_fwd()
        slow["example_fwd"] = (time.perf_counter() - start, time.thread_time() - start_cpu)
    medians = {**interleaved_medians(fns), **slow}
    row = {"size": (B, T, H, D), "example_single": bool(slow)}
    row.update({n: wall for n, (wall, _) in medians.items()})
    row["cpu"] = {n: cpu for n, (_, cpu) in medians.items()}
    return row


# --------------------------------------------------------------------------- the table
def ms(seconds):
    return f"{seconds * 1e3:.3f}" if seconds < 0.1 else f"{seconds * 1e3:.1f}"


def table(rows):
    """Wall-clock medians (time.perf_counter), and the ratios from them."""
    head = ["B", "T", "H", "D", "ours fwd", "ours f+b", "plain fwd", "plain f+b", "example fwd", "example/ours fwd",
            "example/plain fwd"]
    if torch is not None:
        head += ["torch64 fwd", "torch64 f+b", "torch64/ours fwd", "torch64/ours f+b", "torch64/plain f+b",
                 "torch32 fwd", "torch32 f+b", "torch32/ours fwd", "torch32/ours f+b"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        star = "*" if r["example_single"] else ""
        cells = [*map(str, r["size"]), ms(r["ours_fwd"]), ms(r["ours_fb"]), ms(r["plain_fwd"]), ms(r["plain_fb"]),
                 ms(r["example_fwd"]) + star, f"{r['example_fwd'] / r['ours_fwd']:.1f}×{star}",
                 f"{r['example_fwd'] / r['plain_fwd']:.1f}×{star}"]
        if torch is not None:
            for name in ("t64", "t32"):
                cells += [ms(r[f"{name}_fwd"]), ms(r[f"{name}_fb"]), f"{r[f'{name}_fwd'] / r['ours_fwd']:.2f}×",
                          f"{r[f'{name}_fb'] / r['ours_fb']:.2f}×"]
                if name == "t64":
                    cells.append(f"{r['t64_fb'] / r['plain_fb']:.2f}×")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def cpu_table(rows):
    """The same run's CPU-time medians (time.thread_time): the ratios without the machine's other load."""
    head = ["B", "T", "H", "D", "ours fwd", "ours f+b", "plain fwd", "plain f+b", "example/ours fwd",
            "example/plain fwd"]
    if torch is not None:
        head += ["torch64/ours fwd", "torch64/ours f+b", "torch32/ours fwd", "torch32/ours f+b", "torch64/plain f+b"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        c = r["cpu"]
        star = "*" if r["example_single"] else ""
        cells = [*map(str, r["size"]), ms(c["ours_fwd"]), ms(c["ours_fb"]), ms(c["plain_fwd"]), ms(c["plain_fb"]),
                 f"{c['example_fwd'] / c['ours_fwd']:.1f}×{star}", f"{c['example_fwd'] / c['plain_fwd']:.1f}×{star}"]
        if torch is not None:
            cells += [f"{c[f'{name}_{kind}'] / c[f'ours_{kind}']:.2f}×" for name in ("t64", "t32") for kind in ("fwd", "fb")]
            cells.append(f"{c['t64_fb'] / c['plain_fb']:.2f}×")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets(rows, clock):
    """The layout issue's budgets, checked on this run's medians of one clock ("wall" or "cpu")."""
    def get(r, name):
        return r[name] if clock == "wall" else r["cpu"][name]

    out = []
    for r in [r for r in rows if r["size"][:3] == (32, 50, 16)]:
        for path, label in (("plain_fwd", "plain path (the default)"), ("ours_fwd", "fast path")):
            ratio = get(r, "example_fwd") / get(r, path)
            out.append(f"- batching: worked example's loop / {label}, forward, at B=32 T=50 H=16 D={r['size'][3]}: "
                       f"{ratio:.1f}× (budget ≥ 10×: {'met' if ratio >= 10 else 'NOT met'})")
    if torch is None:
        out.append("- torch budget: not measured (torch is not importable in this interpreter)")
        return "\n".join(out)
    learner = [r for r in rows if LEARNER(r["size"])]
    for path, label in (("ours_fb", "fast path"), ("plain_fb", "plain path")):
        slower = [r for r in learner if get(r, path) > get(r, "t64_fb")]
        worst = min(learner, key=lambda r: get(r, "t64_fb") / get(r, path))
        out.append(f"- learner sizes (B = 1, T ≤ 200, H ≤ 16), forward+backward, {label}, not slower than torch "
                   f"float64: {'met' if not slower else 'NOT met'} ({len(learner) - len(slower)} of {len(learner)} "
                   f"sizes; smallest torch64/ours {get(worst, 't64_fb') / get(worst, path):.2f}× at B,T,H,D = "
                   f"{worst['size']})" + ("" if path == "ours_fb" else " (reported; the budget is the fast path's)"))
    return "\n".join(out)


def environment():
    import numpy

    parts = [f"python {platform.python_version()} ({sys.executable})", f"numpy {numpy.__version__}"]
    parts.append(f"torch {torch.__version__} (threads {torch.get_num_threads()})" if torch is not None
                 else "torch: not importable here, torch columns skipped")
    parts.append("BLAS threads: OPENBLAS_NUM_THREADS=" + os.environ["OPENBLAS_NUM_THREADS"])
    return ", ".join(parts)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 sizes instead of the 36 of the grid")
    args = parser.parse_args(argv)
    if torch is not None:
        torch.set_num_threads(1)
    else:
        print("torch is not importable in this interpreter: the torch columns are skipped "
              "(run with a python that has torch, e.g. a separate venv with torch==2.13.0, to get them)")
    sizes = QUICK if args.quick else [(B, T, H, D) for B in GRID["B"] for T in GRID["T"] for H in GRID["H"]
                                      for D in GRID["D"]]
    start = time.perf_counter()
    rows = []
    for size in sizes:
        rows.append(run_size(*size))
        print(f"  measured B,T,H,D = {size}", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - start
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    text = "\n".join([
        "## Core speed: forward and forward + backward" + (" (--quick)" if args.quick else ""),
        "",
        f"Interpreter: {environment()}. Load average at the end (1/5/15 min): {load} on {os.cpu_count()} "
        "CPUs. Medians in ms per call; ratios are theirs / ours (> 1: lstm_core is faster). `example fwd` "
        "is the vector worked example's per-step column-vector loop over each sequence of the batch, FORWARD "
        "ONLY (it has no backward); `ours` is the fast path (`fast=True`), `plain` the default path. `*`: one call only (over 0.25 s), not a median. torch fwd runs under "
        "no_grad; torch f+b is forward + autograd.grad w.r.t. weights and input.",
        "",
        "### Wall clock (time.perf_counter)",
        "",
        table(rows),
        "",
        "### CPU time of the same run (time.thread_time)",
        "",
        "The same repeats, timed by this thread's CPU time as well: on a shared machine the wall clock "
        "also counts the time other processes held the core; CPU time does not.",
        "",
        cpu_table(rows),
        "",
        "### Targets",
        "",
        "Wall clock:",
        "",
        targets(rows, "wall"),
        "",
        "CPU time:",
        "",
        targets(rows, "cpu"),
        "",
        f"({len(rows)} sizes in {seconds:.0f} s)",
    ])
    print(text)
    OUT.mkdir(exist_ok=True)
    name = "core_speed" + ("_torch" if torch is not None else "") + ("_quick" if args.quick else "")
    (OUT / f"{name}.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
