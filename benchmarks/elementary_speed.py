"""What do the CPU-independent σ and tanh cost? Prints a table; not a test.

    .venv/bin/python benchmarks/elementary_speed.py

Per call, for float64 arrays of 1, 8, 64 and 4096 elements (the plain path calls σ on (B, H)
blocks: B·H of 2 to 2048 in the lessons), medians in microseconds:

- ``σ ours``: ``lstm_core.elementary.sigmoid`` (1 / (1 + e^-z) over the correctly rounded exp);
- ``σ numpy``: ``1.0 / (1.0 + np.exp(-z))`` (what the plain path ran before; differs by CPU in the last bit);
- ``tanh ours`` / ``tanh numpy``: ``lstm_core.elementary.tanh`` / ``np.tanh``.

Ratios are ours / numpy. One thread (OPENBLAS_NUM_THREADS=1 set before numpy is imported);
time.perf_counter over enough calls to last ~0.1 s, 5 repeats, the median repeat. Inputs are
normal(0, 3), the range gate pre-activations live in. The table also goes to
benchmarks/out/elementary_speed.md.
"""

import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from lstm_core.elementary import sigmoid, tanh  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
SIZES = (1, 8, 64, 4096)


def numpy_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def per_call_us(function, z, repeats=5, budget_s=0.1):
    function(z)  # warm-up (and the table of 2^(-j/N), built once)
    t0 = time.perf_counter()
    function(z)
    once = max(time.perf_counter() - t0, 1e-7)
    calls = max(1, int(budget_s / once))
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            function(z)
        times.append((time.perf_counter() - t0) / calls)
    return 1e6 * sorted(times)[len(times) // 2]


def level():
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:
        from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    on = [t for t in __cpu_dispatch__ if __cpu_features__.get(t)]
    return " ".join(on) or "baseline"


def main():
    rng = np.random.default_rng(0)
    rows = ["| size | σ ours (µs) | σ numpy (µs) | ratio | tanh ours (µs) | tanh numpy (µs) | ratio |",
            "|---:|---:|---:|---:|---:|---:|---:|"]
    for n in SIZES:
        z = rng.normal(scale=3.0, size=n)
        s_ours, s_np = per_call_us(sigmoid, z), per_call_us(numpy_sigmoid, z)
        t_ours, t_np = per_call_us(tanh, z), per_call_us(np.tanh, z)
        rows.append(f"| {n} | {s_ours:.1f} | {s_np:.2f} | {s_ours / s_np:.0f}x | {t_ours:.1f} | {t_np:.2f} "
                    f"| {t_ours / t_np:.0f}x |")
    head = (f"numpy {np.__version__}, python {platform.python_version()}, numpy SIMD targets on: {level()}; "
            f"load average {os.getloadavg()[0]:.1f} before the run.")
    text = "\n".join([head, "", *rows])
    print(text)
    OUT.mkdir(exist_ok=True)
    (OUT / "elementary_speed.md").write_text(f"## elementary_speed.py ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n\n{text}\n")


if __name__ == "__main__":
    main()
