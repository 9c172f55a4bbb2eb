"""How `make test` spreads the files over its workers: how many workers, and which files go first.

`make test` hands pytest-xdist one file at a time (`--dist loadfile --no-loadscope-reorder`), in the order
collected. A long file that starts last (the Binder venv, ~130 s; the SIMD levels, ~125 s) keeps one CPU
busy while the other has nothing left to do; started first, the many short files fill in around it.
(xdist's own reordering, by the number of tests in a file, sends those few-test files last.)

The full run starts one worker more than there are CPUs: its browser, Binder and install tests spend a
quarter of their time waiting (for a page, a kernel, pip), and a third worker on 2 CPUs fills that time
(measured in a fresh clone: `make test` 590 s with 2 workers, 527 s with 3; benchmarks/RESULTS.md).
The fast loop only computes, so it keeps one worker per CPU.
"""


def workers_for(cpus, markexpr):
    """How many workers ``-n auto`` starts on ``cpus`` CPUs for a run selected by ``-m markexpr``."""
    fast_loop = "not slow" in (markexpr or "")
    return cpus if fast_loop else cpus + 1


def slow_files_first(items):
    """``items`` reordered, stably: every item of a file holding a ``slow`` (or ``browser``) test comes first,
    and the order within a file is kept (nbval runs a notebook's cells in order, in one kernel)."""
    slow = {item.path for item in items if item.get_closest_marker("slow") or item.get_closest_marker("browser")}
    return sorted(items, key=lambda item: item.path not in slow)
