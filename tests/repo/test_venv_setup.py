"""Set-up fails kindly: the Makefile's venv rule on a Python without ensurepip removes the
half-made .venv and says what to install, and replaces one left from an earlier run."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from helpers.repo_files import MAKEFILE


def _make_venv(tmp_path: Path, fake_python: str) -> subprocess.CompletedProcess:
    """The Makefile's venv rule, in a folder of its own, with a fake PYTHON."""
    (tmp_path / "Makefile").write_text(MAKEFILE.read_text(encoding="utf-8"), encoding="utf-8")
    fake = tmp_path / "fake-python"
    fake.write_text(fake_python, encoding="utf-8")
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(["make", "--no-print-directory", f"PYTHON={fake}", ".venv/.created"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, timeout=60)


# `-m venv DIR` as on a Python without ensurepip: DIR/bin/python made, then exit 1.
NO_ENSUREPIP = """#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
    mkdir -p "$3/bin"
    printf '#!/bin/sh\necho "$0: No module named pip" >&2\nexit 1\n' > "$3/bin/python"
    chmod +x "$3/bin/python"
    echo "The virtual environment was not created successfully because ensurepip is not available." >&2
    exit 1
fi
exit 2
"""

# `-m venv DIR` that works: DIR/bin/python answers `-m pip --version`.
WORKING_VENV = """#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
    mkdir -p "$3/bin"
    printf '#!/bin/sh\necho "pip 99.0"\n' > "$3/bin/python"
    chmod +x "$3/bin/python"
    exit 0
fi
exit 2
"""


def test_failed_venv_is_removed_with_a_message_saying_what_to_install(tmp_path):
    for attempt in (1, 2):  # the second run must fail the same way, not with "No module named pip"
        result = _make_venv(tmp_path, NO_ENSUREPIP)
        assert result.returncode != 0, f"run {attempt}: make succeeded with a venv without pip"
        assert "apt install python3-venv" in result.stderr, result.stderr
        assert not (tmp_path / ".venv").exists(), f"run {attempt}: the half-made .venv was left behind"


def test_half_made_venv_from_an_earlier_run_is_replaced(tmp_path):
    half = tmp_path / ".venv" / "bin"
    half.mkdir(parents=True)
    (half / "python").write_text('#!/bin/sh\necho "No module named pip" >&2\nexit 1\n', encoding="utf-8")
    (half / "python").chmod(0o755)
    (tmp_path / ".venv" / "left-over").write_text("from the failed run", encoding="utf-8")
    result = _make_venv(tmp_path, WORKING_VENV)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / ".venv" / ".created").is_file()
    assert not (tmp_path / ".venv" / "left-over").exists(), "the half-made .venv was kept"
    again = _make_venv(tmp_path, NO_ENSUREPIP)  # a venv with pip is kept: nothing to do
    assert again.returncode == 0 and "is up to date" in again.stdout + again.stderr, again.stdout + again.stderr
