"""numpy's SIMD levels this CPU offers, read from numpy at run time, as NPY_DISABLE_CPU_FEATURES values.

numpy compiles its elementwise functions for several CPU targets (``__cpu_dispatch__``: numpy 2.x names
them X86_V3, X86_V4, AVX512_ICL, ...; numpy 1.26 AVX2, AVX512F, AVX512_SKX, ...) and picks the best
one the CPU has at import (``__cpu_features__``). ``NPY_DISABLE_CPU_FEATURES`` turns targets off, so one
machine can run the versions a smaller CPU would run:

- ``native``: nothing turned off;
- ``avx2``: every AVX-512 target off (offered when the CPU has AVX-512 and AVX2);
- ``baseline``: every dispatch target off (what a CPU without AVX2 runs), offered when any is on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

# Run in the target python: its numpy's dispatch targets and which of them are on.
PROBE = r"""
import json
try:
    from numpy._core import _multiarray_umath as m
except ImportError:
    from numpy.core import _multiarray_umath as m
import numpy
print(json.dumps({"numpy": numpy.__version__, "dispatch": list(m.__cpu_dispatch__),
                  "on": sorted(k for k, v in m.__cpu_features__.items() if v)}))
"""


def _is_avx512(target: str) -> bool:
    return target.startswith("AVX512") or target == "X86_V4"


def probe(python: str = sys.executable, disable: str = "") -> dict:
    """{"numpy", "dispatch", "on"} as that python's numpy sees it with NPY_DISABLE_CPU_FEATURES=disable."""
    env = level_env(disable)
    result = subprocess.run([python, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"{python}: numpy probe failed:\n{result.stderr}")
    return json.loads(result.stdout)


def levels(python: str = sys.executable) -> dict[str, str]:
    """{level: NPY_DISABLE_CPU_FEATURES value} for the levels this CPU offers to that python's numpy."""
    found = probe(python)
    dispatch, on = found["dispatch"], set(found["on"])
    out = {"native": ""}
    avx512 = [t for t in dispatch if _is_avx512(t)]
    if any(t in on for t in avx512) and "AVX2" in on:
        out["avx2"] = " ".join(avx512)
    if any(t in on for t in dispatch):
        out["baseline"] = " ".join(dispatch)
    return out


def level_env(disable: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """os.environ (or ``base``) with NPY_DISABLE_CPU_FEATURES set to ``disable`` ("" removes it)."""
    env = dict(os.environ if base is None else base)
    env.pop("NPY_DISABLE_CPU_FEATURES", None)
    if disable:
        env["NPY_DISABLE_CPU_FEATURES"] = disable
    return env


def assert_level_took(python: str, level: str, disable: str) -> dict:
    """Probe under ``disable`` and check every target it names is off (numpy ignores names it does not know)."""
    found = probe(python, disable)
    still_on = [t for t in disable.split() if t in found["on"]]
    assert not still_on, f"{level}: NPY_DISABLE_CPU_FEATURES={disable!r} but numpy still has {still_on} on"
    if level == "avx2":
        assert "AVX2" in found["on"], f"avx2: AVX2 itself is off ({found['on']})"
    return found
