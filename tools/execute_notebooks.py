"""Execute notebooks top to bottom in a fresh kernel and store their outputs (what nbval compares).

    .venv/bin/python tools/execute_notebooks.py notebooks/02_one_lstm_step_by_hand.ipynb ...
    .venv/bin/python tools/execute_notebooks.py            # every notebook in notebooks/

Each runs with notebooks/ as the working directory, so no path of this machine is stored.
It fails on an error output, on a warning in a stream, and on a run slower than the limit.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
# Lessons run in seconds; lesson 08 re-trains 20 of its stored study runs in the notebook (about 20 s of CPU on an
# idle core; 60 s of wall time measured on this shared 2-core machine), so the limit leaves room for a busy machine
LIMIT_SECONDS = 90.0


def execute(path):
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    start = time.perf_counter()
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                   store_widget_state=True).execute()
    seconds = time.perf_counter() - start
    problems = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                problems.append(f"error {out.ename}: {out.evalue}")
            if out.output_type == "stream" and ("Warning" in out.text or out.name == "stderr"):
                problems.append(f"{out.name}: {out.text[:200]}")
    nbformat.write(nb, path)
    return seconds, problems


def main(paths):
    paths = [Path(p).resolve() for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    failed = False
    for path in paths:
        seconds, problems = execute(path)
        slow = seconds > LIMIT_SECONDS
        print(f"{path.name}: {seconds:.1f} s" + (" (over the limit)" if slow else ""))
        for p in problems:
            print("   ", p)
        failed |= bool(problems) or slow
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
