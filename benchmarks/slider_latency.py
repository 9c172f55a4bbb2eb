"""How long does a slider move take in each explorer, against a new-figure-per-update baseline? Prints a table.

    .venv/bin/python benchmarks/slider_latency.py            # every explorer: 60 moves, 8 baseline updates
    .venv/bin/python benchmarks/slider_latency.py --quick    # 20 moves, 3 baseline updates
    .venv/bin/python benchmarks/slider_latency.py --profile vector_walkthrough   # where the time goes

The explorers are the factory functions of ``lstm_core.explore`` (all its public functions but
``quiz``), each called with no arguments; one that fails to import or build is skipped with a note.

OURS: ``slider.value = v`` on the explorer's own sliders (``explorer.controls``; sliders only,
not dropdowns or buttons), round-robin over up to 6 of them spread over the list, each new value
drawn by a seeded rng on the slider's grid (exponent grid for a log slider), within its current
range and different from its current value. The update runs synchronously in the observer, so
the time of the assignment is the whole update: lstm_core's numbers, the artists updated, the
pixels redrawn, new PNG bytes in the explorer's image(s), the HTML tables. Median, p90 and max
over all moves (time.perf_counter), and the median CPU time of this thread (time.thread_time:
the machine's other load left out). "image changed" counts the moves after which
``explorer.image.value`` differs (a move may legitimately leave the picture as it was).

BASELINE, what a typical tutorial does for the same figure: a NEW figure per update, rendered
like the inline backend (``plt.show()`` -> ``fig.savefig(buf, format="png", bbox_inches="tight")``
at the default dpi 100). Timed for the first updates of the same moves, each:

1. a NEW explorer from the same factory (its constructor builds the widgets and the figure with
   all its axes and artists, computes the starting values and draws them once),
2. its sliders set to the values the live explorer had after that move (observers held, so
   nothing is drawn in between), then its own ``compute(values)`` and ``draw()`` to put the new
   numbers into the artists and tables (its blitted PNG switched off: the baseline renders with
   savefig instead),
3. ``fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")`` of each of its figures: a full
   redraw of every artist, text included, plus the extra layout pass that "tight" needs.

"savefig alone" is step 3 by itself: even if building a new figure cost nothing, a tutorial's
rendering alone would take that long per update. Ratios are baseline / ours, medians of the run.
"""

import argparse
import inspect
import io
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from anywhere, with any python that has the suite's packages

import numpy as np  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
TARGET_MEDIAN_MS = 30.0
TARGET_SPEEDUP = 10.0
MAX_SLIDERS = 6


def discover():
    """``{name: factory}``: every explorer factory of lstm_core.explore, in source order."""
    from lstm_core import explore

    found = [(name, fn) for name, fn in vars(explore).items()
             if inspect.isfunction(fn) and not name.startswith("_") and name != "quiz"
             and fn.__module__ == explore.__name__]
    return dict(sorted(found, key=lambda item: item[1].__code__.co_firstlineno))


def sliders_of(explorer):
    """The explorer's controls that are sliders (a numeric value on a range)."""
    import ipywidgets as widgets

    kinds = (widgets.FloatSlider, widgets.IntSlider, widgets.FloatLogSlider)
    return [name for name, w in explorer.controls.items() if isinstance(w, kinds)]


def new_value(w, rng):
    """A value on the slider's grid within its current range, different from its current value."""
    import ipywidgets as widgets

    for _ in range(100):
        if isinstance(w, widgets.FloatLogSlider):
            n = int(round((w.max - w.min) / w.step))
            v = float(w.base ** (w.min + w.step * int(rng.integers(0, n + 1))))
        elif isinstance(w, widgets.IntSlider):
            n = (w.max - w.min) // w.step
            v = int(w.min + w.step * int(rng.integers(0, n + 1)))
        else:
            n = int(round((w.max - w.min) / w.step))
            v = float(min(w.max, w.min + w.step * int(rng.integers(0, n + 1))))
        if not np.isclose(v, w.value, rtol=1e-9, atol=1e-12):
            return v
    raise RuntimeError(f"{w.description}: no value different from {w.value}")


def blit_figures(explorer):
    from lstm_core.explore.panels.render import BlitFigure

    return [v for v in vars(explorer).values() if isinstance(v, BlitFigure)]


def measure_ours(explorer, n_moves, seed=0):
    """Time ``n_moves`` slider moves; return (seconds per move, images changed, value snapshots)."""
    names = sliders_of(explorer)
    picked = [names[int(k)] for k in np.unique(np.linspace(0, len(names) - 1, min(MAX_SLIDERS, len(names))).round())]
    rng = np.random.default_rng(seed)
    seconds, cpu, changed, snapshots = [], [], 0, []
    for k in range(n_moves):
        w = explorer.controls[picked[k % len(picked)]]
        value = new_value(w, rng)
        before = explorer.image.value
        start, start_cpu = time.perf_counter(), time.thread_time()
        w.value = value
        cpu.append(time.thread_time() - start_cpu)
        seconds.append(time.perf_counter() - start)
        changed += explorer.image.value != before
        snapshots.append(explorer.values())
    return np.array(seconds), np.array(cpu), changed, picked, snapshots


def baseline_update(factory, values):
    """One baseline update (see the module docstring); returns (total, savefig) seconds."""
    start = time.perf_counter()
    fresh = factory()  # 1. widgets, figure, artists, a first draw
    fresh._hold = True  # 2. the moved values, then compute + draw into the artists
    for _ in range(2):  # twice: a slider whose range follows another one (t_pulse <= T) may clamp first
        for name, value in values.items():
            if name in fresh.controls:  # (a value without a control of that name, e.g. lesson 08's variant
                fresh.controls[name].value = value  # dropdown, is not moved by measure_ours: it keeps its start)
    fresh._hold = False
    figures = blit_figures(fresh)
    for bf in figures:
        bf.png = lambda: b""  # no blitted PNG: the baseline renders with savefig below
    fresh.compute(fresh.values())
    fresh.draw()
    saving = time.perf_counter()
    for bf in figures:  # 3. the inline backend's rendering
        buffer = io.BytesIO()
        bf.fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    end = time.perf_counter()
    return end - start, end - saving


def profile(name, n_moves=60):
    """Where the time of one explorer's slider moves goes: cProfile, top functions by own time."""
    import cProfile
    import pstats

    explorer = discover()[name]()
    profiler = cProfile.Profile()
    profiler.enable()
    seconds = measure_ours(explorer, n_moves)[0]
    profiler.disable()
    print(f"{name}: {n_moves} moves, median {ms(np.median(seconds))} ms (under the profiler)")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def ms(seconds):
    return f"{seconds * 1e3:.1f}"


def run(n_moves, n_baseline):
    rows, notes = [], []
    for name, factory in discover().items():
        try:
            explorer = factory()
        except Exception as exc:  # an explorer still being written elsewhere: skip it, say so
            notes.append(f"- `{name}()`: skipped, it failed to build ({type(exc).__name__}: {exc})")
            continue
        if not sliders_of(explorer):
            notes.append(f"- `{name}()`: skipped, it has no sliders in `controls`")
            continue
        seconds, cpu, changed, picked, snapshots = measure_ours(explorer, n_moves)
        base = np.array([baseline_update(factory, snapshots[k]) for k in range(min(n_baseline, n_moves))])
        rows.append(dict(name=name, sliders=picked, moves=len(seconds), changed=changed,
                         median=np.median(seconds), p90=np.percentile(seconds, 90), max=seconds.max(),
                         cpu_median=np.median(cpu),
                         base=np.median(base[:, 0]), savefig=np.median(base[:, 1]), n_base=len(base)))
        print(f"  measured {name}", file=sys.stderr, flush=True)
    return rows, notes


def table(rows):
    head = ["explorer", "sliders moved", "moves", "image changed", "ours median", "ours p90", "ours max",
            "ours median CPU", "baseline median", "savefig alone", "baseline / ours", "savefig alone / ours"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lines.append("| " + " | ".join([
            f"`{r['name']}`", ", ".join(f"`{s}`" for s in r["sliders"]), str(r["moves"]), str(r["changed"]),
            ms(r["median"]), ms(r["p90"]), ms(r["max"]), ms(r["cpu_median"]), f"{ms(r['base'])} (n={r['n_base']})",
            ms(r["savefig"]),
            f"{r['base'] / r['median']:.1f}×", f"{r['savefig'] / r['median']:.1f}×",
        ]) + " |")
    return "\n".join(lines)


def targets(rows):
    out = []
    for r in rows:
        fast = r["median"] * 1e3 <= TARGET_MEDIAN_MS
        ratio = r["base"] / r["median"]
        out.append(f"- `{r['name']}`: median {ms(r['median'])} ms (≤ {TARGET_MEDIAN_MS:.0f} ms: "
                   f"{'met' if fast else 'NOT met'}; CPU time {ms(r['cpu_median'])} ms), "
                   f"{ratio:.1f}× faster than the baseline "
                   f"(≥ {TARGET_SPEEDUP:.0f}×: {'met' if ratio >= TARGET_SPEEDUP else 'NOT met'})")
    return "\n".join(out)


def environment():
    import matplotlib

    return (f"python {platform.python_version()}, numpy {np.__version__}, matplotlib {matplotlib.__version__}, "
            f"{os.cpu_count()} CPUs")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 moves and 3 baseline updates per explorer")
    parser.add_argument("--profile", metavar="EXPLORER", help="only profile 60 moves of one explorer (cProfile)")
    args = parser.parse_args(argv)
    if args.profile:
        return profile(args.profile)
    n_moves, n_baseline = (20, 3) if args.quick else (60, 8)
    start = time.perf_counter()
    rows, notes = run(n_moves, n_baseline)
    seconds = time.perf_counter() - start
    text = "\n".join([
        "## Slider latency: one slider move, start to new PNG" + (" (--quick)" if args.quick else ""),
        "",
        f"{environment()}. Times in ms (time.perf_counter). Ours: `slider.value = v`, the full synchronous "
        "update (numbers, artists, blitted pixels, PNG bytes, tables). Baseline: per update a new explorer "
        "of the same class (widgets + figure + first draw), the moved values computed and drawn into its "
        "artists, then `savefig(png, dpi=100, bbox_inches='tight')` of its figure(s), as the inline "
        "backend renders a new figure; `savefig alone` is that last step by itself.",
        "",
        table(rows),
        "",
        *(["Skipped:", "", *notes, ""] if notes else []),
        "Targets:",
        "",
        targets(rows),
        "",
        f"({len(rows)} explorers in {seconds:.0f} s)",
    ])
    print(text)
    OUT.mkdir(exist_ok=True)
    (OUT / ("slider_latency" + ("_quick" if args.quick else "") + ".md")).write_text(text + "\n")


if __name__ == "__main__":
    main()
