"""The order in which `make test`'s workers get the files: those with a slow test first.

`make test` hands pytest-xdist one file at a time (`--dist loadfile --no-loadscope-reorder`), in the order
collected. A long file that starts last (the Binder venv, ~130 s; the SIMD levels, ~125 s) keeps one CPU
busy while the other has nothing left to do; started first, the many short files fill in around it.
(xdist's own reordering, by the number of tests in a file, sends those few-test files last.)
"""


def slow_files_first(items):
    """``items`` reordered, stably: every item of a file holding a ``slow`` (or ``browser``) test comes first,
    and the order within a file is kept (nbval runs a notebook's cells in order, in one kernel)."""
    slow = {item.path for item in items if item.get_closest_marker("slow") or item.get_closest_marker("browser")}
    return sorted(items, key=lambda item: item.path not in slow)
