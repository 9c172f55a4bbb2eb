"""``import lstm_core`` pulls in numpy only: no plotting, widget or torch import (a fresh interpreter)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("matplotlib", "ipywidgets", "torch")


def imported_after(statement):
    code = (
        f"{statement}; import sys; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_import_lstm_core_is_light():
    assert imported_after("import lstm_core") == "[]"


def test_import_of_the_core_modules_is_light():
    stmt = "import lstm_core.params, lstm_core.cell, lstm_core.sequence, lstm_core.bptt, lstm_core.examples"
    assert imported_after(stmt) == "[]"


def test_the_probe_sees_a_heavy_module():
    """The probe itself can fail: a module named torch.nn in sys.modules is reported."""
    stmt = "import sys, types; sys.modules['torch.nn'] = types.ModuleType('torch.nn'); import lstm_core"
    assert imported_after(stmt) == "['torch.nn']"
