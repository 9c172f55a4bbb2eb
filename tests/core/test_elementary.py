"""lstm_core.elementary: exp and tanh correctly rounded, σ the worked examples' formula, on every CPU.

References come from Python's ``decimal`` (software arithmetic, 60 significant digits), rounded once
to float64 by ``float()``; σ's reference is 1.0 / (1.0 + that exp) in Python floats (scalar IEEE
arithmetic, no SIMD). Equality is asserted, never a tolerance: the docstring of elementary.py says
why the results are the correctly rounded floats (to within 2^-90 of a rounding boundary).
"""

from __future__ import annotations

import hashlib
import math
import subprocess
import sys
from decimal import Decimal, localcontext
from pathlib import Path

import numpy as np
import pytest

from helpers import cpu_levels
from lstm_core import cell, elementary
from lstm_core.elementary import exp, sigmoid, tanh
from lstm_core.examples import vector_details, vector_example
from lstm_core.sequence import forward

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "worked_examples" / "vector_lstm_worked_example.txt"


# --- references ---------------------------------------------------------------------------------

def ref_exp(x: float) -> float:
    with localcontext() as ctx:
        ctx.prec = 60
        return float(Decimal(x).exp())  # float() rounds correctly, subnormals and overflow included


def ref_sigmoid(z: float) -> float:
    return 1.0 / (1.0 + ref_exp(-z))  # the worked examples' formula, in Python's IEEE floats


def ref_tanh(z: float) -> float:
    if z == 0:
        return z  # tanh(±0) = ±0
    with localcontext() as ctx:
        d = Decimal(z)
        if abs(d) < Decimal("1e-20"):  # the series: the next term is ~z^7, 1e-100 relative
            ctx.prec = 60
            return float(d - d ** 3 / 3 + 2 * d ** 5 / 15)
        ctx.prec = 60 + max(0, -d.adjusted())  # 60 digits left after e^(2z) - 1 cancels
        e = (2 * d).exp()
        return float((e - 1) / (e + 1))


def ref_sigmoid_correctly_rounded(z: float) -> float:
    with localcontext() as ctx:
        ctx.prec = 60
        return float(1 / (1 + (-Decimal(z)).exp()))


def points(n: int, seed: int, lo: float, hi: float, low_exponent: float) -> np.ndarray:
    """n points: log-uniform magnitudes 10^low_exponent .. hi, both signs, clipped to [lo, hi], plus the edges."""
    rng = np.random.default_rng(seed)
    z = 10.0 ** rng.uniform(low_exponent, math.log10(hi), n) * rng.choice([-1.0, 1.0], n)
    edges = [0.0, -0.0, 5e-324, -5e-324, 2.0 ** -1022, 2.0 ** -28, -(2.0 ** -28), np.nextafter(2.0 ** -28, 0),
             0.5, 1.0, -1.0, 2.0, 22.0, -22.0, np.nextafter(22.0, 30), 19.0, 37.0, 38.0, -37.0,
             708.39, 708.4, -708.39, -708.4, 709.78, 709.782712893384, -709.78, -744.4, -745.1, -745.13, -745.14,
             float(np.log(2) / 8192), -float(np.log(2) / 8192), float(np.log(2) / 4096)]
    z = np.concatenate([np.clip(z, lo, hi), [e for e in edges if lo <= e <= hi]])
    return z


def compare(function, reference, z: np.ndarray) -> None:
    got = function(z)
    want = np.array([reference(float(v)) for v in z])
    bad = np.flatnonzero(got.view(np.int64) != want.view(np.int64))  # bit for bit: -0.0 is not 0.0
    assert bad.size == 0, (f"{function.__name__}: {bad.size} of {z.size} differ from decimal, e.g. "
                           + ", ".join(f"z={z[k]!r}: {got[k]!r} != {want[k]!r}" for k in bad[:5]))


# --- against decimal ---------------------------------------------------------------------------

EXP_RANGE = (-745.2, 709.78)
FAST, FULL = 10_000, 120_000


@pytest.mark.parametrize("n, seed", [(FAST, 1), pytest.param(FULL, 2, marks=pytest.mark.slow)], ids=["10k", "120k"])
def test_exp_is_correctly_rounded(n, seed):
    compare(exp, ref_exp, points(n, seed, *EXP_RANGE, low_exponent=-300))


@pytest.mark.parametrize("n, seed", [(FAST, 3), pytest.param(FULL, 4, marks=pytest.mark.slow)], ids=["10k", "120k"])
def test_tanh_is_correctly_rounded(n, seed):
    compare(tanh, ref_tanh, points(n, seed, -1e3, 1e3, low_exponent=-320))


@pytest.mark.parametrize("n, seed", [(FAST, 5), pytest.param(FULL, 6, marks=pytest.mark.slow)], ids=["10k", "120k"])
def test_sigmoid_is_the_formula_over_the_correctly_rounded_exp(n, seed):
    compare(sigmoid, ref_sigmoid, points(n, seed, -1e3, 1e3, low_exponent=-320))


def test_the_range_that_matters_densely():
    # gate pre-activations and cell states of the lessons live within |z| < 20: a uniform grid there too
    z = np.random.default_rng(7).uniform(-20.0, 20.0, 20_000)
    compare(exp, ref_exp, z)
    compare(tanh, ref_tanh, z)
    compare(sigmoid, ref_sigmoid, z)


def test_the_careful_path_alone_and_the_quick_path_agree_with_it():
    # the public functions take the careful path only where the quick one cannot decide (rare), so it
    # is checked on its own here, and the two against each other on many more points
    x = points(5_000, 8, -708.0, *EXP_RANGE[1:], low_exponent=-300)
    compare(elementary._exp_careful, ref_exp, x)
    a = np.abs(points(5_000, 9, -22.0, 22.0, low_exponent=-8.4))
    a = a[a >= 2.0 ** -28]
    compare(elementary._tanh_careful, ref_tanh, a)
    rng = np.random.default_rng(10)
    many = np.concatenate([rng.uniform(-30, 30, 200_000), np.ldexp(rng.uniform(1, 2, 100_000), rng.integers(-28, 5, 100_000))])
    assert np.array_equal(exp(many), elementary._exp_careful(many))
    inside = np.abs(many)[(np.abs(many) >= 2.0 ** -28) & (np.abs(many) <= 22.0)]
    assert np.array_equal(tanh(inside), elementary._tanh_careful(inside))


# --- edges -------------------------------------------------------------------------------------

def test_edges_exactly_and_without_floating_point_flags():
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 1e5, -1e5, 746.0, -746.0, 710.0, -710.0])
    with np.errstate(all="raise"):  # overflow, invalid, divide or underflow would raise here
        e, s, t = exp(specials), sigmoid(specials), tanh(specials)
    assert e.tolist()[:4] == [1.0, 1.0, np.inf, 0.0] and np.isnan(e[4])
    assert e[5] == 1.0 and e[6] == 1.0 and e[7] == np.inf and e[8] == 0.0 and e[11] == np.inf and e[12] == ref_exp(-710.0) > 0
    assert s.tolist()[:4] == [0.5, 0.5, 1.0, 0.0] and np.isnan(s[4])
    assert s[7] == 1.0 and s[8] == 0.0 and s[9] == 1.0 and s[10] == 0.0
    assert t.tolist()[:4] == [0.0, 0.0, 1.0, -1.0] and np.isnan(t[4])
    assert math.copysign(1, t[0]) == 1 and math.copysign(1, t[1]) == -1  # tanh(-0) = -0
    assert t[5] == 5e-324 and t[6] == -5e-324 and t[7] == 1.0 and t[8] == -1.0
    assert exp(-745.13) == 5e-324 and exp(-745.14) == 0.0  # the last subnormal, then 0 (e^-745.14 < 2^-1075)


def test_shapes_and_types_follow_the_input():
    assert isinstance(sigmoid(0.25), np.floating) and np.ndim(tanh(0.25)) == 0
    assert sigmoid(np.zeros((3, 2, 4))).shape == (3, 2, 4) and tanh(np.zeros((0, 5))).shape == (0, 5)
    assert tanh([1, 2]).dtype == np.float64 and exp(np.float32(1.0)) == ref_exp(1.0)
    z = np.linspace(-3, 3, 7)
    before = z.copy()
    sigmoid(z), tanh(z), exp(z)
    assert np.array_equal(z, before)  # the input is not written to


def test_the_cell_takes_its_activations_from_here():
    assert cell.sigmoid is elementary.sigmoid and cell.tanh is elementary.tanh


# --- why σ is the formula, not σ correctly rounded ---------------------------------------------

def example_prediction() -> str:
    lines = [line for line in EXAMPLE.read_text(encoding="utf-8").splitlines() if line.startswith("Final Prediction:")]
    assert len(lines) == 1
    return lines[0]


def test_the_formula_prints_the_worked_example_and_a_correctly_rounded_sigmoid_would_not(monkeypatch):
    def prediction():
        return [line for line in vector_details(forward(*vector_example())).splitlines() if "Final Prediction" in line][0]
    assert prediction() == example_prediction()  # ...5376
    monkeypatch.setattr(cell, "sigmoid", np.vectorize(ref_sigmoid_correctly_rounded, otypes=[float]))
    other = prediction()
    assert other != example_prediction() and other.startswith("Final Prediction: 0.6893280487995377")


# --- the same bits at every numpy SIMD level ---------------------------------------------------

DIGEST = r"""
import hashlib, numpy as np
from lstm_core.elementary import exp, sigmoid, tanh
rng = np.random.default_rng(11)  # built from exact operations only: np.power and friends differ by level too
z = np.concatenate([rng.uniform(-20.0, 20.0, 50_000),
                    np.ldexp(rng.uniform(1.0, 2.0, 50_000), rng.integers(-1080, 10, 50_000))])
h = hashlib.sha256()
for f in (exp, sigmoid, tanh):
    with np.errstate(over="ignore"):
        h.update(f(z).tobytes())
    h.update(f(-z).tobytes())
print(h.hexdigest())
"""


def level_params():
    return [pytest.param(name, disable, id=name) for name, disable in cpu_levels.levels().items()]


@pytest.mark.parametrize("level, disable", level_params())
def test_same_bits_and_the_worked_examples_prediction_at_level(level, disable):
    cpu_levels.assert_level_took(sys.executable, level, disable)
    env = cpu_levels.level_env(disable)
    env["PYTHONPATH"] = str(ROOT) + (":" + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    here = subprocess.run([sys.executable, "-c", DIGEST], cwd=ROOT, env=cpu_levels.level_env(""),
                          capture_output=True, text=True, timeout=300)
    there = subprocess.run([sys.executable, "-c", DIGEST], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert here.returncode == 0 and there.returncode == 0, here.stderr + there.stderr
    assert there.stdout == here.stdout, f"{level}: exp/σ/tanh bits differ from the native level's"
    cli = subprocess.run([sys.executable, "-m", "lstm_core", "walkthrough", "--example", "vector"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert cli.returncode == 0, cli.stderr
    assert example_prediction() in cli.stdout.splitlines(), f"{level}: {cli.stdout.splitlines()[-1]}"
    assert "0.6893280487995376" in example_prediction()
