"""exp, σ and tanh for everything the lessons print: the same last bit on every CPU.

Why this module exists
----------------------
numpy compiles several versions of ``np.exp`` and ``np.tanh`` (baseline x86-64, AVX2,
AVX-512, NEON, ...) and picks one when it is imported, by the CPU's features
(``numpy._core._multiarray_umath.__cpu_dispatch__``). The versions differ in the last bit.
One last bit is enough to change a printed digit: on a CPU without AVX2 the vector worked
example's prediction ends in ...5377 instead of the worked example's ...5376, and over a
few thousand training steps a last-bit difference grows into another trained network.

The functions here use only operations that IEEE 754 rounds the same on every CPU and at every
SIMD width: + − × ÷ of float64 arrays, and exact operations (``np.rint``, ``np.floor``,
``np.ldexp``, comparisons, ``np.where``, table look-ups). ``lstm_core.fast`` keeps numpy's own,
faster functions for what is never printed at full precision.

- ``exp(x)``: e^x correctly rounded (the exact value rounded once to float64).
- ``sigmoid(z)``: 1 / (1 + exp(-z)), the worked examples' own formula, with that exp and IEEE
  + and ÷. This, and not a correctly rounded σ, is what prints their digits: with σ itself
  correctly rounded the vector example ends in ...5377 (measured; tests/core/test_elementary.py).
- ``tanh(z)``: tanh correctly rounded.

How
---
e^x is carried in double-double arithmetic (a value is an unevaluated sum hi + lo of two
floats, about 106 bits):

    x = -(K N + j) ln2 / N + r,   |r| <= ln2 / (2N),   N = 4096
    e^x = 2^(-K) · 2^(-j/N) · e^r,   e^r = 1 + p(r),   p = r + r²/2 + r³/6 + r⁴(1/24 + ...)

2^(-j/N) - 1 comes from a table built once with Python's ``decimal`` (45 digits), r from a
three-part ln2/N, p's first terms from exact products (Dekker's two_prod: numpy has no fused
multiply-add). tanh(a) = -m / (2 + m) with m = e^(-2a) - 1 (a = |z|, the sign put back) is
formed in double-double without cancellation: m's leading part is the table's 2^(-j/N) - 1.
The one rounding to float64 is the last addition (subnormal results are rounded as such).

Two paths give the same floats. The careful one carries more terms exactly (~170 numpy operations
a call); its double-double is within 2^-103 (e^x) and 2^-95 (tanh) of the exact value, relative.
The quick one (~70 operations; on one value, numpy float64 scalars instead of a 1-element array)
is within 2^-79 and 2^-77, and a rounding test checks, element by element, that every value
within 2^-69 (2^-68) of its result rounds to the same float; where it
does not (about 1 element in 10^5), that element goes through the careful path. (The worst errors
seen over 40,000 points each against ``decimal`` at 70 digits; bounds by hand are a few bits wider.)
So the result is the correctly rounded float unless the exact value lies within 2^-95 of a point
halfway between two floats; then it is the other of the two floats around it (faithful rounding
holds everywhere). tests/core/test_elementary.py compares 120,000 points per function with
``decimal`` at 60 digits, rounded once, both paths: all equal.

Edge cases, without warnings: exp(x) = 0 for x <= -745.2 (subnormal from -708.4), inf for
x > 709.78; σ(±0) = 0.5, σ(z) = 1 for z > 37.5 and 0 for z < -709.78 (where e^(-z) is inf);
tanh(±0) = ±0, tanh(z) = z for |z| < 2^-28 (subnormals too), ±1 for |z| > 22; ±inf give the
limits, nan gives nan.
"""

import math
from decimal import Decimal, localcontext
from functools import lru_cache

import numpy as np

__all__ = ["exp", "sigmoid", "tanh"]

N = 4096  # table size: 2^(-j/N) for j = 0 .. N-1
_SPLIT = 134217729.0  # 2^27 + 1: Dekker's splitter for float64


# -- double-double building blocks (each exact, or error <= 2^-106 relative) -----------------

def _two_sum(a, b):
    """(s, e) with s = fl(a + b) and s + e = a + b exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _fast_two_sum(a, b):
    """(s, e) with s + e = a + b exactly, for |a| >= |b| (Dekker)."""
    s = a + b
    return s, b - (s - a)


def _split(a):
    """a = hi + lo with hi, lo of 26 bits each (Dekker; |a| < 2^996 here)."""
    t = _SPLIT * a
    hi = t - (t - a)
    return hi, a - hi


def _two_prod(a, b):
    """(p, e) with p = fl(a b) and p + e = a b exactly (Dekker, without a fused multiply-add)."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _two_square(a):
    """_two_prod(a, a) in 12 operations instead of 17: Dekker's terms ah·al and al·ah are one term twice
    (each partial sum of Dekker's is exact, so the order does not change the result)."""
    p = a * a
    ah, al = _split(a)
    return p, ((ah * ah - p) + 2.0 * (ah * al)) + al * al


def _dd_div(nh, nl, dh, dl):
    """(q1, q2): q1 + q2 = (nh + nl) / (dh + dl) to about 2^-104; q1 = fl(nh / dh)."""
    q1 = nh / dh
    ph, pl = _two_prod(q1, dh)
    rem = (((nh - ph) - pl) + nl) - q1 * dl  # nh - ph is exact (Sterbenz: q1 dh is close to nh)
    return q1, rem / dh


# -- e^x for x <= 0 ---------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _tables():
    """2^(-j/N) - 1 and 2^(-j/N), j = 0 .. N-1, each as (hi, lo) float64 arrays.

    Built once, from ``decimal`` (software arithmetic: the same digits everywhere); ~0.1 s.
    """
    c_hi, c_lo = [], []
    with localcontext() as ctx:
        ctx.prec = 45
        step = Decimal(2).ln() / N
        for j in range(N):
            c = (-step * j).exp() - 1
            hi = float(c)
            c_hi.append(hi)
            c_lo.append(float(c - Decimal(hi)))
    c_hi, c_lo = np.array(c_hi), np.array(c_lo)
    q_hi, q_lo = _two_sum(1.0, c_hi)  # 2^(-j/N) = 1 + (2^(-j/N) - 1)
    q_lo = q_lo + c_lo
    q_hi, q_lo = _fast_two_sum(q_hi, q_lo)
    return c_hi, c_lo, q_hi, q_lo, *_split(q_hi)


def _ln2_over_n_parts():
    """ln2 / N as L1 + L2 + L3: L1 and L2 have 30 bits each, so n·L1 and n·L2 are exact for |n| < 2^23."""
    with localcontext() as ctx:
        ctx.prec = 60
        rest = Decimal(2).ln() / N
        parts = []
        for _ in range(2):
            mantissa, exponent = math.frexp(float(rest))
            part = math.ldexp(math.floor(mantissa * 2**30), exponent - 30)  # the first 30 bits
            parts.append(part)
            rest -= Decimal(part)
        parts.append(float(rest))
    return tuple(parts)


_L1, _L2, _L3 = _ln2_over_n_parts()
_N_OVER_LN2 = float(N / Decimal(2).ln())


def _exp_parts(x):
    """e^x for float64 x in [-746, 710], as pieces: ``(K, c, q, p)``.

    e^x = 2^(-K) · q · (1 + p) with q = 2^(-j/N) = 1 + c, every one of c, q, p a
    double-double (hi, lo) pair; |p| <= ln2 / (2N).
    """
    c_hi, c_lo, q_hi, q_lo = _tables()[:4]
    n = np.rint(x * _N_OVER_LN2)  # (…)  -(K N + j), an integer in float64
    K = np.floor(-n / N)  # exact: N is a power of 2
    j = (-n - K * N).astype(np.intp)  # 0 .. N-1
    # r = x - n ln2/N, in double-double; x - n L1 and n L2 are exact (n L1 is close to x)
    t1 = x - n * _L1
    s, e = _two_sum(t1, -(n * _L2))
    r_hi, r_lo = _two_sum(s, e - n * _L3)
    # p = e^r - 1 = r + r²/2 + r³/6 + r⁴ (1/24 + r/120 + r²/720 + r³/5040)
    s2, t2 = _two_prod(r_hi, r_hi)  # r_hi², exact
    t2 = t2 + 2.0 * r_hi * r_lo  # r² = s2 + t2
    c3, d3 = _two_prod(s2, r_hi)  # s2 r_hi, exact
    d3 = d3 + (t2 * r_hi + s2 * r_lo)  # r³ = c3 + d3
    q3 = c3 / 6.0
    q3_lo = (((c3 - 4.0 * q3) - 2.0 * q3) + d3) / 6.0  # c3 - 6 q3 exactly (Sterbenz, twice), then + d3
    tail = (s2 * s2) * (1.0 / 24 + r_hi * (1.0 / 120 + r_hi * (1.0 / 720 + r_hi * (1.0 / 5040))))
    u, v = _two_sum(0.5 * s2, q3)
    p_hi, w = _two_sum(r_hi, u)
    p_lo = (r_lo + 0.5 * t2 + q3_lo + tail) + (v + w)
    p_hi, p_lo = _fast_two_sum(p_hi, p_lo)
    return K, (c_hi[j], c_lo[j]), (q_hi[j], q_lo[j]), (p_hi, p_lo)


def _times_one_plus(q, p):
    """q (1 + p) for double-doubles q in (0.5, 1], |p| small: a double-double."""
    q_hi, q_lo = q
    p_hi, p_lo = p
    g, g_lo = _two_prod(q_hi, p_hi)
    hi, lo = _fast_two_sum(q_hi, g)
    lo = lo + (q_lo + g_lo + q_hi * p_lo + q_lo * p_hi)
    return _fast_two_sum(hi, lo)


def _round_scaled(hi, lo, k):
    """(hi + lo) · 2^k rounded once to float64, subnormal results included (k an integer array)."""
    out = np.ldexp(hi + lo, k)  # exact scaling of the correctly rounded hi + lo, while it stays normal
    small = out < 2.0 ** -1022
    if np.any(small):
        # Below 2^-1022 the float grid is 2^-1074: round (hi + lo) 2^(k + 1074) to an integer.
        ks = k[small] + 1074
        u_hi, u_lo = np.ldexp(hi[small], ks), np.ldexp(lo[small], ks)  # exact: ks >= -4
        whole = np.floor(u_hi)
        beyond_half = ((u_hi - whole) - 0.5) + u_lo  # u_hi - whole is exact; only its sign matters
        up = (beyond_half > 0) | ((beyond_half == 0) & (np.fmod(whole, 2.0) == 1.0))
        out[small] = np.ldexp(whole + up, -1074)
    return out


# -- exp, σ and tanh --------------------------------------------------------------------------------

def _as_float64(z):
    return np.array(z, dtype=np.float64, copy=True, ndmin=1), np.ndim(z) == 0


def _shaped(out, scalar):
    return out[0] if scalar else out


X_MAX = 709.782712893384  # log(largest float64): e^x overflows to inf above it
X_MIN = -745.2  # e^x rounds to 0 below it (e^-745.2 < 2^-1075, half the smallest subnormal)
SUBNORMAL_BELOW = -708.3  # e^x < 2^-1022 (subnormal) for x < -708.397: the careful path rounds those


# -- the quick path: fewer exact products, then a rounding test --------------------------------
# The careful path above costs ~170 numpy operations a call. The quick one below (~70) carries
# fewer terms exactly; its double-double is within about 2^-78 of the exact value. Where that
# is not enough to tell which float is nearest (the value lies within the error bound of a point
# halfway between two floats: about 1 element in 10^5), that element is recomputed by the
# careful path. Both give the correctly rounded float; the quick path only decides sooner.

QUICK_BOUND_EXP = 2.0 ** -70  # absolute, on m in (0.5, 1]: at least 2^8 times the error estimated
QUICK_BOUND_TANH = 2.0 ** -68  # relative, on tanh: at least 2^10 times the error estimated


def _two_prod_split(a, a_hi, a_lo, b):
    """_two_prod(a, b) with a's split given (a table's)."""
    p = a * b
    bh, bl = _split(b)
    return p, ((a_hi * bh - p) + a_hi * bl + a_lo * bh) + a_lo * bl


def _quick_parts(x):
    """e^x = 2^(-K) (q + B) for x in [-746, 710]: ``(K, j, B_hi, B_lo)``, B = q p to about 2^-80 absolute."""
    c_hi, c_lo, q_hi, q_lo, q_hh, q_hl = _tables()
    n = np.rint(x * _N_OVER_LN2)  # -(K N + j)
    K = np.floor(n * (-1.0 / N))
    j = (-n - K * N).astype(np.intp)
    r_hi, r_lo = _two_sum(x - n * _L1, -(n * _L2))  # x - n L1 and n L2 exact, as in _exp_parts
    r_lo = r_lo - n * _L3
    s2, t2 = _two_square(r_hi)
    u_hi, u_lo = _fast_two_sum(r_hi, 0.5 * s2)  # r + r²/2, its leading part exact
    rest = u_lo + (r_lo + (0.5 * t2 + r_hi * r_lo + s2 * r_hi * (1.0 / 6 + r_hi * (1.0 / 24 + r_hi * (1.0 / 120)))))
    qh, ql = q_hi[j], q_lo[j]
    b_hi, b_lo = _two_prod_split(qh, q_hh[j], q_hl[j], u_hi)  # q (r + r²/2), exact
    b_lo = b_lo + (qh * rest + ql * (u_hi + rest))
    return K, j, (qh, ql), (c_hi[j], c_lo[j]), (b_hi, b_lo)


def _decided(hi, lo, bound):
    """Where hi + lo (normalized) and any value within ``bound`` of it round to the same float, hi.

    Ziv's test: the two ends of the interval round to the same float, so (rounding being monotonic) does
    everything between them, hi + lo (which rounds to hi) included. lo ± bound are rounded too, which narrows
    the interval by a relative 2^-53 of itself: the bounds are 2^8 times the errors, far more than that."""
    return (hi + (lo + bound)) == (hi + (lo - bound))


def _exp_careful(x):
    """e^x, correctly rounded, for x in [X_MIN, X_MAX] (the careful path)."""
    K, _, q, p = _exp_parts(x)
    m_hi, m_lo = _times_one_plus(q, p)  # e^x = 2^(-K) m,  m in (0.5, 1]
    return _round_scaled(m_hi, m_lo, -K.astype(np.intp))


def _tanh_careful(a):
    """tanh(a), correctly rounded, for a in [2^-28, 22] (the careful path)."""
    K, c, q, p = _exp_parts(-2.0 * a)
    # m = e^(-2a) - 1 = A + B with A = 2^-K q - 1 (the table's c when K = 0) and B = 2^-K q p
    k = -K.astype(np.intp)
    sq_hi, sq_lo = np.ldexp(q[0], k), np.ldexp(q[1], k)  # exact: K <= 64
    a_hi, a_lo = _two_sum(sq_hi, -1.0)
    a_lo = a_lo + sq_lo
    first = K == 0
    a_hi, a_lo = np.where(first, c[0], a_hi), np.where(first, c[1], a_lo)
    b_hi, b_lo = _two_prod(sq_hi, p[0])
    b_lo = b_lo + (sq_hi * p[1] + sq_lo * p[0])
    q1, q2 = _tanh_from_m(a_hi, a_lo, b_hi, b_lo)
    return q1 + q2


def _tanh_from_m(a_hi, a_lo, b_hi, b_lo):
    """tanh = -m / (2 + m) for m = e^(-2a) - 1 = A + B, as a double-double (q1, q2)."""
    m_hi, m_lo = _two_sum(a_hi, b_hi)
    m_hi, m_lo = _fast_two_sum(m_hi, m_lo + (a_lo + b_lo))  # m in (-1, 0)
    den_hi, den_lo = _fast_two_sum(2.0, m_hi)  # 2 + m in (1, 2)
    den_hi, den_lo = _fast_two_sum(den_hi, den_lo + m_lo)
    q1, q2 = _dd_div(-m_hi, -m_lo, den_hi, den_lo)
    return _fast_two_sum(q1, q2)


def _exp_quick(x):
    """The quick path of e^x for x in [X_MIN, X_MAX] (an array, or one numpy float64): ``(out, decided)``."""
    K, _, (qh, ql), _, (b_hi, b_lo) = _quick_parts(x)
    m_hi, m_lo = _fast_two_sum(qh, b_hi)  # m = q + B in (0.5, 1.0001)
    m_lo = m_lo + (ql + b_lo)
    m_hi, m_lo = _fast_two_sum(m_hi, m_lo)
    return np.ldexp(m_hi, -K.astype(np.intp)), _decided(m_hi, m_lo, QUICK_BOUND_EXP)


def _one_value(x):
    """The value of a 1-element array as a numpy float64, or None: numpy's scalar arithmetic is IEEE's too, and
    costs ~7 times less per operation than a 1-element array's (lessons 02, 04 and 05 run one-unit cells)."""
    return x.reshape(-1)[0] if x.size == 1 else None


def exp(x):
    """e^x, elementwise, correctly rounded, the same bits on every CPU.

    numpy's ``np.exp`` differs by CPU in the last bit (it picks an AVX-512, AVX2 or baseline
    version at import); see the module docstring. 0 below -745.2, inf above 709.78, nan for nan,
    no warnings. Returns float64, shaped like ``x``.
    """
    x, scalar = _as_float64(x)
    v = _one_value(x)
    if v is not None and SUBNORMAL_BELOW <= v <= X_MAX:  # one value the quick path can take (nan cannot)
        with np.errstate(under="ignore"):
            out, decided = _exp_quick(v)
        if decided:
            return out if scalar else np.full(x.shape, out)
    finite = (x >= X_MIN) & (x <= X_MAX)  # nan is in neither
    every = bool(finite.all())
    x_in = x if every else np.where(finite, x, 0.0)
    with np.errstate(under="ignore"):
        out, decided = _exp_quick(x_in)
        again = ~decided | (x_in < SUBNORMAL_BELOW)
        if np.any(again):
            out[again] = _exp_careful(x_in[again])
    if not every:
        out = np.where(finite, out, np.where(x > X_MAX, np.inf, np.where(x < X_MIN, 0.0, x)))
    return _shaped(out, scalar)


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(-z)), elementwise, the same bits on every CPU.

    numpy's ``np.exp`` differs by CPU in the last bit, so σ built on it does too. This is the
    worked examples' own formula with e^(-z) correctly rounded (``exp`` above) and then IEEE
    + and ÷, which reproduces their printed digits on every CPU (a correctly rounded σ would
    not: the vector example would end in ...5377). See the module docstring.
    Exactly 0.5 at ±0, 1 for z > 37.5, 0 for z < -709.78; nan for nan; no warnings. Returns
    float64, shaped like ``z``.
    """
    return 1.0 / (1.0 + exp(-np.asarray(z, dtype=np.float64)))


def _tanh_quick(a):
    """The quick path of tanh(a) for a in [2^-28, 22] (an array, or one numpy float64): ``(out, decided)``."""
    K, _, (qh, ql), (ch, cl), (b_hi, b_lo) = _quick_parts(-2.0 * a)
    # m = e^(-2a) - 1 = A + B' with A = 2^-K q - 1 (the table's c when K = 0) and B' = 2^-K B
    scale = np.ldexp(1.0, -K.astype(np.intp))  # 2^-K: each product below is exact (K <= 64, all stay normal)
    sq_hi = qh * scale
    a_hi, a_lo = _two_sum(sq_hi, -1.0)
    a_lo = a_lo + ql * scale
    first = K == 0
    if np.ndim(first) == 0:  # one value: no 0-d arrays from np.where
        a_hi, a_lo = (ch, cl) if first else (a_hi, a_lo)
    else:
        a_hi, a_lo = np.where(first, ch, a_hi), np.where(first, cl, a_lo)
    t_hi, t_lo = _tanh_from_m(a_hi, a_lo, b_hi * scale, b_lo * scale)
    return t_hi, _decided(t_hi, t_lo, QUICK_BOUND_TANH * t_hi)


def tanh(z):
    """tanh(z), elementwise, correctly rounded, the same bits on every CPU.

    numpy's ``np.tanh`` differs by CPU in the last bit (it picks an AVX-512, AVX2 or baseline
    version at import), and the worked examples' digits need the correctly rounded tanh: see
    the module docstring. tanh(±0) = ±0, tanh(z) = z for |z| < 2^-28 (subnormals too), ±1 for
    |z| > 22 and ±inf, nan for nan; no warnings. Returns float64, shaped like ``z``.
    """
    z, scalar = _as_float64(z)
    v = _one_value(z)
    if v is not None and 2.0 ** -28 <= abs(v) <= 22.0:  # one value the quick path can take (nan cannot)
        out, decided = _tanh_quick(abs(v))
        if decided:
            out = np.copysign(out, v)
            return out if scalar else np.full(z.shape, out)
    a = np.abs(z)
    inside = (a >= 2.0 ** -28) & (a <= 22.0)  # nan is outside both
    every = bool(inside.all())
    a_in = a if every else np.where(inside, a, 1.0)
    out, decided = _tanh_quick(a_in)
    again = ~decided
    if not every:
        again &= inside
    if np.any(again):
        out[again] = _tanh_careful(a_in[again])
    if not every:
        out = np.where(inside, out, np.where(a > 22.0, 1.0, a))  # a < 2^-28: tanh(a) rounds to a
        out = np.where(np.isnan(z), z, out)
    out = np.copysign(out, z)
    return _shaped(out, scalar)
