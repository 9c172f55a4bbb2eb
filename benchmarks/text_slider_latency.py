"""Lesson 09's explorers: how long one slider move takes in the kernel (budget: 30 ms). Prints a table.

    .venv/bin/python benchmarks/text_slider_latency.py

``slider.value = v`` runs the whole update synchronously (the numbers, the artists, new PNG bytes, the text
panels), so its time is the move's. The sampler is timed twice: on temperatures it has not drawn yet (a new
240-character sample on the fast path, then the picture) and on ones it has (its cache: the picture only).
The unit explorers read the held-out trace computed once per kernel (``l09_text.shipped_analysis``, about 8 s,
not part of a move). Medians, p90 and max over the moves (time.perf_counter), and the median CPU time of this
thread (time.thread_time: the machine's other load left out).
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from lstm_core import explore  # noqa: E402


def timed(explorer, name, values):
    wall, cpu = [], []
    for v in values:
        t0, c0 = time.perf_counter(), time.thread_time()
        explorer.controls[name].value = v
        wall.append(1e3 * (time.perf_counter() - t0))
        cpu.append(1e3 * (time.thread_time() - c0))
        assert explorer.message.value == "", explorer.message.value
    return wall, cpu


def main():
    rng = np.random.default_rng(0)
    taus = [round(float(t), 2) for t in np.arange(0.05, 2.0001, 0.05)]
    rows = []
    sampler = explore.sampler()
    fresh = [t for t in rng.permutation(taus) if t != 1.0][:30]
    rows.append(("sampler, τ not drawn yet", *timed(sampler, "τ", fresh)))
    rows.append(("sampler, τ drawn before", *timed(sampler, "τ", list(rng.permutation(fresh)))))
    for label, factory in (("cell_units, unit", explore.cell_units), ("gates_over_text, unit", explore.gates_over_text)):
        e = factory()
        units = [int(u) for u in rng.integers(1, e.analysis.hidden_size + 1, size=30)]
        units = [u if u != e.controls["unit"].value else u % e.analysis.hidden_size + 1 for u in units]
        rows.append((label, *timed(e, "unit", units)))
    print(f"{'explorer, slider':<28} {'moves':>5} {'median ms':>10} {'p90 ms':>8} {'max ms':>8} {'cpu median':>11}")
    for label, wall, cpu in rows:
        print(f"{label:<28} {len(wall):>5} {np.median(wall):>10.1f} {np.percentile(wall, 90):>8.1f} "
              f"{max(wall):>8.1f} {np.median(cpu):>11.1f}")


if __name__ == "__main__":
    main()
