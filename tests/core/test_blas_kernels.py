"""The printed numbers under every OpenBLAS kernel this CPU can run, and at the numpy floor.

numpy's wheels carry OpenBLAS, which picks its kernels by CPU at start-up; OPENBLAS_CORETYPE
forces one. Kernels may round a dot product differently (the AVX-512 ones did: "Final
Prediction: ...5377" where the worked example printed ...5376). Every number that the CLI, a
lesson or a test prints at full precision must be the same under every kernel.

Which kernels this CPU can run is read from numpy's CPU features (forcing a kernel whose
instructions the CPU lacks crashes with an illegal instruction): those it cannot run are
skipped with the reason, and the module's summary (end of the run) names the kernels run and
the core OpenBLAS reported for each. For each kernel it can run, each in a subprocess with
OPENBLAS_CORETYPE set:

- tests/core/test_golden.py and tests/core/test_cli.py, in this environment and in the floor environment
  (LSTM_FLOOR_PYTHON, set by `make test`: the oldest numpy pyproject.toml admits);
- `python -m lstm_core walkthrough --example vector` prints the worked example's Final Prediction line,
  read from tests/worked_examples/vector_lstm_worked_example.txt;
- lessons 02 and 03, executed with nbclient (the kernel process inherits OPENBLAS_CORETYPE):
  their text outputs equal the stored ones. Widget views are left out (their text lives in the
  browser; tests/browser checks it).

Every subprocess also reports the core OpenBLAS says it runs: a kernel that was asked for but
silently not used fails the test, unless OpenBLAS runs a known stand-in (REPORTED_AS: Zen runs as
Haswell, Cooperlake as SkylakeX); the summary names the core that ran.

numpy's own SIMD levels (its exp, tanh, ... picked by CPU) are the other half of the machine
matrix: tests/core/test_cpu_levels.py. Both matrices are ``slow``.
"""

from __future__ import annotations

import copy
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # subprocesses under every kernel: out of the fast loop

ROOT = Path(__file__).resolve().parents[2]
VECTOR_EXAMPLE = ROOT / "tests" / "worked_examples" / "vector_lstm_worked_example.txt"
LESSONS = [ROOT / "notebooks" / name for name in ("02_one_lstm_step_by_hand.ipynb", "03_a_vector_lstm.ipynb")]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
TIMEOUT_S = 600  # a hang, not a speed target

# OPENBLAS_CORETYPE -> the numpy CPU features its kernels need (the x86-64 kernels of numpy's
# OpenBLAS builds). Prescott and Nehalem need only what every x86-64 numpy already requires.
KERNELS = {
    "Prescott": (),
    "Nehalem": (),
    "Sandybridge": ("AVX",),
    "Haswell": ("AVX2", "FMA3"),
    "Zen": ("AVX2", "FMA3"),
    "SkylakeX": ("AVX512F", "AVX512BW"),
    "Cooperlake": ("AVX512F", "AVX512BW"),
}
# The core name OpenBLAS reports for a forced kernel: the kernel's own name, or the core its
# dynamic-arch build runs instead (seen: numpy 2.4's OpenBLAS reports Prescott as Katmai, Zen as
# Haswell, and Cooperlake as SkylakeX on an AVX-512 EPYC with AVX512_BF16; numpy 1.26's
# reports Prescott and Zen under their own names). What ran is named in the summary at the end.
REPORTED_AS = {"Prescott": {"Katmai"}, "Zen": {"Haswell"}, "Cooperlake": {"SkylakeX"}}

# Run in every subprocess: which numpy, and which core OpenBLAS runs (asked of the library that
# this process has loaded, found in /proc/self/maps).
PROBE = r"""
import ctypes, json, numpy
paths = sorted({line.split()[-1] for line in open("/proc/self/maps")
                if "openblas" in line.lower() and line.split()[-1].startswith("/")})
core = None
for path in paths:
    lib = ctypes.CDLL(path)
    for symbol in ("scipy_openblas_get_corename64_", "openblas_get_corename64_", "openblas_get_corename"):
        function = getattr(lib, symbol, None)
        if function is not None:
            function.restype = ctypes.c_char_p
            core = function().decode()
            break
    if core:
        break
print(json.dumps({"numpy": numpy.__version__, "openblas_core": core}))
"""


def cpu_features() -> dict[str, bool]:
    try:
        from numpy._core._multiarray_umath import __cpu_features__  # numpy >= 2
    except ImportError:
        from numpy.core._multiarray_umath import __cpu_features__  # numpy 1.x
    return dict(__cpu_features__)


def runnable(kernel: str) -> tuple[bool, str]:
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False, f"{platform.machine()}: the OpenBLAS kernels listed here are x86-64's"
    missing = [f for f in KERNELS[kernel] if not cpu_features().get(f)]
    if missing:
        return False, (f"this CPU lacks {', '.join(missing)}: forcing OPENBLAS_CORETYPE={kernel} "
                       "would crash with an illegal instruction")
    return True, ""


def environments() -> list[tuple[str, str | None]]:
    """(name, python): this environment, and the floor's when `make test` names it."""
    floor = os.environ.get("LSTM_FLOOR_PYTHON")
    return [("suite", sys.executable), ("floor", floor)]


def kernel_env(kernel: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENBLAS_")}
    env["OPENBLAS_CORETYPE"] = kernel
    return env


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)


def probe(python: str, kernel: str) -> dict:
    result = run([python, "-c", PROBE], kernel_env(kernel))
    assert result.returncode == 0, f"probe under {kernel} failed ({result.returncode}):\n{result.stderr}"
    return json.loads(result.stdout)


def assert_core_is(kernel: str, reported: str | None, where: str) -> None:
    assert reported, f"{where}: OpenBLAS did not say which core it runs (is numpy built on OpenBLAS?)"
    accepted = {kernel.lower()} | {name.lower() for name in REPORTED_AS.get(kernel, ())}
    assert reported.lower() in accepted, (
        f"{where}: OPENBLAS_CORETYPE={kernel} but OpenBLAS runs {reported!r}: the kernel was not forced")


def example_final_prediction_line() -> str:
    """The worked example's printed 'Final Prediction: ...' line (its output, column 0, not its code)."""
    lines = [line.rstrip() for line in VECTOR_EXAMPLE.read_text(encoding="utf-8").splitlines()
             if line.startswith("Final Prediction:")]
    assert len(lines) == 1, f"{VECTOR_EXAMPLE.name}: expected one printed Final Prediction line, found {lines}"
    return lines[0]


# --- what was run, said at the end ---------------------------------------------------------------

RAN: dict[tuple[str, str], dict] = {}  # (environment, kernel) -> probe, and what passed
LESSON_CORES: dict[str, str] = {}  # OpenBLAS core -> the OPENBLAS_CORETYPE the lessons ran under


@pytest.fixture(scope="module", autouse=True)
def kernel_summary(request):
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or not RAN:
        return
    features = cpu_features()
    shown = [f for f in ("AVX", "FMA3", "AVX2", "AVX512F", "AVX512BW") if features.get(f)]
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        reporter.write_sep("-", f"OpenBLAS kernels run (CPU features: {' '.join(shown) or 'baseline only'})")
        for (env_name, kernel), found in RAN.items():
            reporter.write_line(f"{env_name:9} numpy {found['numpy']:7} OPENBLAS_CORETYPE={kernel:11} "
                                f"OpenBLAS core: {found['openblas_core']:11} {found['what']}")
        skipped = [k for k in KERNELS if not runnable(k)[0]]
        if skipped:
            reporter.write_line(f"not runnable on this CPU (skipped): {', '.join(skipped)}")


# --- the tests ----------------------------------------------------------------------------------------


def kernel_params():
    params = []
    for kernel in KERNELS:
        ok, why = runnable(kernel)
        params.append(pytest.param(kernel, id=kernel, marks=() if ok else pytest.mark.skip(reason=f"{kernel}: {why}")))
    return params


def test_kernel_table_covers_the_issue_list():
    # the kernels the issue names, with the features that gate the ones beyond SSE
    assert list(KERNELS) == ["Prescott", "Nehalem", "Sandybridge", "Haswell", "Zen", "SkylakeX", "Cooperlake"]
    assert {k for k, needs in KERNELS.items() if "AVX512F" in needs} == {"SkylakeX", "Cooperlake"}


@pytest.mark.parametrize("kernel", kernel_params())
@pytest.mark.parametrize("env_name", ["suite", "floor"])
def test_golden_and_cli_tests_pass_under_kernel(env_name, kernel):
    python = dict(environments())[env_name]
    if python is None:
        if os.environ.get("CI"):
            pytest.fail("CI: LSTM_FLOOR_PYTHON is not set (make test sets it to .venv-floor's python)")
        pytest.skip("LSTM_FLOOR_PYTHON not set: run `make test` for the floor environment")
    found = probe(python, kernel)
    assert_core_is(kernel, found["openblas_core"], f"{env_name} (numpy {found['numpy']})")
    # only the plugins these two files need: nbval and hypothesis would triple the start-up time
    result = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:nbval", "-p", "no:hypothesispytest",
                  "-p", "no:anyio", "tests/core/test_golden.py", "tests/core/test_cli.py"], kernel_env(kernel))
    tail = "\n".join((result.stdout + result.stderr).splitlines()[-30:])
    assert result.returncode == 0, f"{env_name}, OPENBLAS_CORETYPE={kernel}: golden/CLI tests failed:\n{tail}"
    assert re.search(r"\b\d+ passed\b", result.stdout) and " failed" not in result.stdout, tail
    RAN[(env_name, kernel)] = found | {"what": "golden + CLI tests passed"}


@pytest.mark.parametrize("kernel", kernel_params())
def test_vector_walkthrough_prints_the_worked_examples_prediction_under_kernel(kernel):
    want = example_final_prediction_line()
    assert want.startswith("Final Prediction: 0.6893280487995376,")  # the issue's digits
    result = run([sys.executable, "-W", "error", "-m", "lstm_core", "walkthrough", "--example", "vector"],
                 kernel_env(kernel))
    assert result.returncode == 0, result.stderr
    got = [line.rstrip() for line in result.stdout.splitlines() if line.startswith("Final Prediction:")]
    assert got == [want], f"OPENBLAS_CORETYPE={kernel}: printed {got}, the worked example printed {want!r}"


# --- lessons 02 and 03 ----------------------------------------------------------------------------


def text_outputs(nb) -> list[list[tuple]]:
    """Per code cell, its outputs as text: streams, text/plain results, errors. Widget views left out."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in cell.outputs:
            if out.output_type == "stream":
                outputs.append(("stream", out.name, out.text))
            elif out.output_type in ("execute_result", "display_data"):
                if WIDGET_MIME in out.data:
                    continue
                outputs.append((out.output_type, out.data.get("text/plain")))
            elif out.output_type == "error":
                outputs.append(("error", out.ename, out.evalue))
        cells.append(outputs)
    return cells


def merged_streams(outputs: list[tuple]) -> list[tuple]:
    """Consecutive stream outputs of one name joined: how they are split is not a difference."""
    merged: list[tuple] = []
    for out in outputs:
        if out[0] == "stream" and merged and merged[-1][0] == "stream" and merged[-1][1] == out[1]:
            merged[-1] = ("stream", out[1], merged[-1][2] + out[2])
        else:
            merged.append(out)
    return merged


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem[:2] for p in LESSONS])
@pytest.mark.parametrize("kernel", kernel_params())
def test_lesson_printouts_are_the_stored_ones_under_kernel(kernel, lesson):
    import nbformat
    from nbclient import NotebookClient

    assert lesson.is_file(), f"{lesson} is missing"
    # A kernel that this OpenBLAS runs on another kernel's core (numpy 2.4's: Zen on Haswell's)
    # executes the same code: the lessons (the slow part) are not run twice for it.
    core = probe(sys.executable, kernel)["openblas_core"]
    assert_core_is(kernel, core, "this environment")
    if LESSON_CORES.get(core, kernel) != kernel:
        pytest.skip(f"OPENBLAS_CORETYPE={kernel} runs OpenBLAS core {core}, as {LESSON_CORES[core]} did: "
                    "the lessons ran under that core above")
    stored = nbformat.read(lesson, as_version=4)
    want = [merged_streams(c) for c in text_outputs(stored)]
    assert any(want), f"{lesson.name}: no stored text output to compare"

    run_nb = copy.deepcopy(stored)
    for cell in run_nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    run_nb.cells.append(nbformat.v4.new_code_cell(PROBE))  # which core the lesson's kernel ran
    client = NotebookClient(run_nb, timeout=TIMEOUT_S, kernel_name="python3")
    client.execute(env=kernel_env(kernel), cwd=str(ROOT / "notebooks"))
    probe_cell = run_nb.cells.pop()
    found = json.loads("".join(o.text for o in probe_cell.outputs if o.output_type == "stream"))
    assert_core_is(kernel, found["openblas_core"], f"{lesson.name}'s kernel")

    got = [merged_streams(c) for c in text_outputs(run_nb)]
    assert len(got) == len(want)
    for n, (g, w) in enumerate(zip(got, want), start=1):
        assert g == w, f"{lesson.name}, code cell {n}, OPENBLAS_CORETYPE={kernel}:\n  ran:    {g!r}\n  stored: {w!r}"
    LESSON_CORES.setdefault(core, kernel)
    RAN[(f"lesson {lesson.stem[:2]}", kernel)] = found | {"what": "text outputs = stored"}
