"""Binder installs the package: binder/postBuild pip-installs lstm_core on top of
binder/requirements.txt (the simulation of a Binder build is tests/repo/test_binder.py)."""

from __future__ import annotations

import os
import stat

from helpers.repo_files import POSTBUILD


def test_binder_postbuild_installs_the_package():
    lines = [line.strip() for line in POSTBUILD.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == "#!/bin/bash"
    assert "set -e" in lines
    assert "pip install --no-deps ." in lines
    assert lines.index("set -e") < lines.index("pip install --no-deps .")
    mode = POSTBUILD.stat().st_mode
    assert mode & stat.S_IXUSR, "binder/postBuild must be executable"
    assert os.access(POSTBUILD, os.X_OK)
