"""The printed numbers at every numpy SIMD level this CPU offers, and plain-path training bit for bit.

numpy picks its own exp, tanh, ... by CPU (``__cpu_dispatch__``; tests/helpers/cpu_levels.py), and the
versions differ in the last bit. NPY_DISABLE_CPU_FEATURES turns levels off, so this machine also runs
what a CPU without AVX-512 (``avx2``) or without AVX2 (``baseline``) runs. Level names are read from
the numpy under test at run time (numpy 2.x: X86_V3, X86_V4, AVX512_ICL...; 1.26: AVX2, AVX512F,
AVX512_SKX...). Each check runs in a subprocess at each level:

- the golden, CLI and elementary-function tests, in this environment and in the floor one
  (LSTM_FLOOR_PYTHON, set by `make test`: the oldest numpy pyproject.toml admits);
- strict nbval on every notebook, at every level but native (the suite's own nbval run is the native one);
- a plain-path training run (Adam, a few hundred steps) gives the same parameters, bit for bit, at every
  level and under the OpenBLAS kernels Haswell and SkylakeX (where this CPU runs them): the plain path
  takes σ and tanh from lstm_core.elementary and sums W x products in a fixed order, never by BLAS.

All of it is ``slow``; tests/core/test_elementary.py checks the elementary functions' bits per level in the
fast loop. OpenBLAS's kernels on their own: tests/core/test_blas_kernels.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import cpu_levels

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 1800  # a hang, not a speed target


def env_for(disable: str, **extra: str) -> dict[str, str]:
    env = cpu_levels.level_env(disable)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)


def pythons() -> list[tuple[str, str | None]]:
    return [("suite", sys.executable), ("floor", os.environ.get("LSTM_FLOOR_PYTHON"))]


def level_params(python: str | None, skip: tuple[str, ...] = ()) -> list:
    if python is None:
        return [pytest.param("native", "", id="native")]
    return [pytest.param(name, disable, id=name) for name, disable in cpu_levels.levels(python).items()
            if name not in skip]


def env_level_params(skip: tuple[str, ...] = ()) -> list:
    params = []
    for env_name, python in pythons():
        for p in level_params(python, skip):
            params.append(pytest.param(env_name, *p.values, id=f"{env_name}-{p.id}"))
    return params


def tail(result: subprocess.CompletedProcess, n: int = 40) -> str:
    return "\n".join((result.stdout + result.stderr).splitlines()[-n:])


@pytest.mark.parametrize("env_name, level, disable", env_level_params())
def test_golden_cli_and_elementary_tests_pass_at_level(env_name, level, disable):
    python = dict(pythons())[env_name]
    if python is None:
        if os.environ.get("CI"):
            pytest.fail("CI: LSTM_FLOOR_PYTHON is not set (make test sets it to .venv-floor's python)")
        pytest.skip("LSTM_FLOOR_PYTHON not set: run `make test` for the floor environment")
    found = cpu_levels.assert_level_took(python, level, disable)
    result = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:nbval", "-p", "no:hypothesispytest",
                  "-p", "no:anyio", "-m", "not slow", "tests/core/test_golden.py", "tests/core/test_cli.py",
                  "tests/core/test_elementary.py"], env_for(disable))
    assert result.returncode == 0, f"{env_name} (numpy {found['numpy']}), level {level}:\n{tail(result)}"
    assert re.search(r"\b\d+ passed\b", result.stdout) and " failed" not in result.stdout, tail(result)


@pytest.mark.parametrize("level, disable", level_params(sys.executable, skip=("native",)))
def test_every_notebook_passes_strict_nbval_at_level(level, disable):
    cpu_levels.assert_level_took(sys.executable, level, disable)
    result = run([sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "notebooks/", "-p", "no:cacheprovider",
                  "-q"], env_for(disable))
    assert result.returncode == 0, f"strict nbval at numpy level {level} ({disable}):\n{tail(result, 80)}"


# --- plain-path training, bit for bit -------------------------------------------------------------

TRAIN = r"""
import hashlib, json, sys
import numpy as np
from lstm_core.params import LSTMParams
from lstm_core.train import train
T, B, D, H, steps = map(int, sys.argv[1:6])
rng = np.random.default_rng(0)  # uniform draws: exact operations only (no level-dependent functions)
xs, ys = rng.uniform(-1, 1, size=(T, B, D)), rng.uniform(-1, 1, size=(B, 1))
params, history = train(LSTMParams.random(D, H, 1, seed=0), xs, ys, steps=steps, lr=1e-2)
digest = hashlib.sha256(b"".join(a.tobytes() for _, a in sorted(params.arrays().items()))).hexdigest()
print(json.dumps({"params": digest, "loss": float(history.final_loss)}))
"""

# (T, B, D, H, steps): lesson-sized, and one with rows of 4H = 256 products (weighted_sum, summed_products)
TRAININGS = [(12, 16, 2, 8, 300), (6, 32, 3, 64, 60)]


def training_setups() -> list[tuple[str, dict[str, str]]]:
    setups = [(f"numpy {name}", env_for(disable, OPENBLAS_CORETYPE="")) for name, disable in
              cpu_levels.levels().items()]
    on = set(cpu_levels.probe()["on"])  # forcing a kernel the CPU cannot run would crash
    for kernel, needs in (("Haswell", ("AVX2", "FMA3")), ("SkylakeX", ("AVX512F", "AVX512BW"))):
        if all(f in on for f in needs):
            setups.append((f"OPENBLAS_CORETYPE={kernel}", env_for("", OPENBLAS_CORETYPE=kernel)))
    for _, env in setups:
        if not env.get("OPENBLAS_CORETYPE"):
            env.pop("OPENBLAS_CORETYPE")
    return setups


@pytest.mark.parametrize("shape", TRAININGS, ids=[f"T{t}-B{b}-D{d}-H{h}-{s}steps" for t, b, d, h, s in TRAININGS])
def test_plain_path_training_is_bit_identical_at_every_level_and_kernel(shape):
    results = {}
    for name, env in training_setups():
        result = run([sys.executable, "-c", TRAIN, *map(str, shape)], env)
        assert result.returncode == 0, f"{name}:\n{tail(result)}"
        results[name] = json.loads(result.stdout)
    assert len(results) >= 2, f"only {list(results)} could run here: nothing to compare"
    first = next(iter(results.values()))
    differ = {name: r for name, r in results.items() if r != first}
    assert not differ, f"trained parameters differ: {results}"
