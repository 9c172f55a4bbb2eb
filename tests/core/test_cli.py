"""``python -m lstm_core walkthrough``: its output is the worked examples' printed text, line by line.

The expected text is read from the worked examples' files at test time (tests/worked_examples/ holds
committed copies of shared/seeds/; when shared/seeds sits beside the repository, the copies must
equal it).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = Path(__file__).resolve().parents[1] / "worked_examples"
SHARED_EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "seeds"
EXAMPLE_FILES = ("vector_lstm_worked_example.txt", "scalar_lstm_worked_example.txt")


def run_cli(*args):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    return subprocess.run(
        [sys.executable, "-W", "error", "-m", "lstm_core", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def printed_block(filename, first, last):
    """The worked example's printed output: the lines from one starting with ``first`` to one starting with ``last``.

    Output lines start in column 0; the code that printed them is indented, so it never matches.
    """
    lines = (EXAMPLES / filename).read_text(encoding="utf-8").splitlines()
    starts = [n for n, line in enumerate(lines) if line.startswith(first)]
    assert len(starts) == 1, f"{filename}: expected one printed line starting {first!r}, found {len(starts)}"
    ends = [n for n, line in enumerate(lines) if line.startswith(last) and n > starts[0]]
    assert len(ends) == 1, f"{filename}: expected one printed line starting {last!r}, found {len(ends)}"
    return [line.rstrip() for line in lines[starts[0] : ends[0] + 1]]


def assert_same_lines(got, want):
    for n, (g, w) in enumerate(zip(got, want), start=1):
        assert g == w, f"line {n} differs:\n  got:  {g!r}\n  want: {w!r}"
    assert len(got) == len(want), f"got {len(got)} lines, the worked example printed {len(want)}"


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_worked_example_copies_match_shared(name):
    if not SHARED_EXAMPLES.is_dir():
        pytest.skip(f"{SHARED_EXAMPLES} is not beside the repository")
    assert (EXAMPLES / name).read_bytes() == (SHARED_EXAMPLES / name).read_bytes()


def test_worked_example_blocks_are_what_we_think():
    """Guards the parser: the blocks hold the right number of lines and the known end lines."""
    vector = printed_block(EXAMPLE_FILES[0], "Initial states:", "Final Prediction:")
    assert len(vector) == 1 + 1 + 3 * 8 + 1  # header, blank, 3 * (title, 6 values, blank), prediction
    assert vector[0] == "Initial states: h0 = [0. 0.], c0 = [0. 0.]"
    scalar = printed_block(EXAMPLE_FILES[1], "Time Step 1:", "Predicted Next Value:")
    assert len(scalar) == 3 * 8 + 1
    assert scalar[-1] == "Predicted Next Value: 3.4827"


def assert_walkthrough_prints(example, want):
    """``python -m lstm_core walkthrough --example <example>`` succeeds, quietly, printing ``want``."""
    result = run_cli("walkthrough", "--example", example)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert_same_lines(result.stdout.splitlines(), want)


def test_walkthrough_vector_prints_the_worked_example():
    assert_walkthrough_prints("vector", printed_block(EXAMPLE_FILES[0], "Initial states:", "Final Prediction:"))


def test_walkthrough_scalar_prints_the_worked_example():
    assert_walkthrough_prints("scalar", printed_block(EXAMPLE_FILES[1], "Time Step 1:", "Predicted Next Value:"))


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("walkthrough", "--example", "banana"), "invalid choice: 'banana'"),
        (("walkthrough", "--example"), "expected one argument"),
        ((), "required: command"),
        (("dance",), "invalid choice: 'dance'"),
    ],
)
def test_bad_arguments_give_usage_not_traceback(args, fragment):
    result = run_cli(*args)
    assert result.returncode != 0
    assert result.stdout == ""
    assert "usage: python -m lstm_core" in result.stderr
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
