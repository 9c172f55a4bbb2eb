"""One LSTM step, and the activations it is made of.

Notation
--------
x : (B, D) or (D,)   input at this step
h : (B, H) or (H,)   h_{t-1}, the previous hidden state
c : (B, H) or (H,)   c_{t-1}, the previous cell state
z : (B, 4H)          stacked pre-activations, gate blocks in GATES order i, f, g, o

Equations
---------
z   = W_x x + W_h h + b
i   = σ(z_i)      dσ/dz = σ (1 - σ)
f   = σ(z_f)
g   = tanh(z_g)   dtanh/dz = 1 - tanh²
o   = σ(z_o)
c'  = f * c + i * g
h'  = o * tanh(c')
"""

import numpy as np

from .checks import as_float_array, expect_shape
from .gates import GATES


def sigmoid(z, out=None):
    """σ(z) = 1 / (1 + e^(-z)), the seeds' formula operation for operation, at every z.

    For z < -709, e^(-z) overflows to inf and σ = 1 / inf = 0 exactly; that overflow is the
    right answer, so it is silenced (no warning at ±1000), and the limits are exactly 0 and 1.
    The seeds' digits need this exact formula for z >= 0 (the tanh form ½(1 + tanh(z/2)) is
    one pass cheaper but moves the vector seed's prediction by one unit in the last place).
    """
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(over="ignore", under="ignore"):
        if out is None:
            return 1.0 / (1.0 + np.exp(-z))
        np.copyto(out, z)
        return sigmoid_inplace(out)


def sigmoid_inplace(z):
    """z <- σ(z) = 1 / (1 + e^(-z)) in four in-place passes, no temporaries (the hot loop's form).

    The same operations as ``sigmoid``; call it inside ``np.errstate(over="ignore")``, since
    e^(-z) = inf for z < -709 is expected there (and gives σ = 0 exactly).
    """
    np.negative(z, out=z)  # -z
    np.exp(z, out=z)  # e^(-z)
    z += 1.0  # 1 + e^(-z)
    return np.reciprocal(z, out=z)  # 1 / (1 + e^(-z)), correctly rounded like 1.0 / x


def activate(z, H, scratch=None):
    """Squash stacked pre-activations in place: σ on the i, f, o blocks, tanh on g.

    σ runs over all four blocks in one go (four passes instead of eight for the two separate
    i|f and o slices); z_g is kept aside first (in ``scratch``, (..., H), if given) and its tanh
    written over the g block afterwards. Call inside ``np.errstate(over="ignore")`` (see
    ``sigmoid_inplace``).
    """
    gi = GATES.index("g")
    g = z[..., gi * H : (gi + 1) * H]
    z_g = np.empty_like(g) if scratch is None else scratch  # (..., H)
    np.copyto(z_g, g)
    sigmoid_inplace(z)
    np.tanh(z_g, out=g)
    return z


def slopes(a, H):
    """The local slope dgate/dz of every gate, from the activations ``a`` (..., 4H) alone.

    σ' = σ (1 - σ) on the i, f, o blocks and tanh' = 1 - g² on the g block, stacked like ``a``;
    BPTT multiplies d(gate) by it to get dz. (The same operations as ``a * (1 - a)`` and
    ``1 - g ** 2``, so the numbers are identical bit for bit.)
    """
    out = 1.0 - a  # (..., 4H)
    out *= a  # σ (1 - σ), right for i, f, o
    g_slope = split(out, H)["g"]
    np.square(split(a, H)["g"], out=g_slope)
    np.subtract(1.0, g_slope, out=g_slope)  # 1 - g²
    return out


def split(a, H):
    """The four gate blocks of a stacked (..., 4H) array, as views, keyed by GATES."""
    return {k: a[..., n * H : (n + 1) * H] for n, k in enumerate(GATES)}


def step(params, x, h=None, c=None):
    """Advance one step: ``(h_new, c_new, gates)``.

    ``gates`` holds ``i, f, g, o, c, h`` for this step. Shapes follow ``x``: (D,) gives (H,),
    (B, D) gives (B, H). ``h`` and ``c`` default to zeros.
    """
    H, D = params.hidden_size, params.input_size
    x = as_float_array("x", x)
    if x.ndim == 0 and D == 1:
        x = x.reshape(1)
    if x.ndim not in (1, 2):
        raise ValueError(f"x: expected shape ({D},) or (B, {D}), got {tuple(x.shape)}")
    expect_shape("x", x, x.shape[:-1] + (D,))
    state_shape = x.shape[:-1] + (H,)
    h = np.zeros(state_shape) if h is None else expect_shape("h", as_float_array("h", h), state_shape)
    c = np.zeros(state_shape) if c is None else expect_shape("c", as_float_array("c", c), state_shape)

    # (W_x x + W_h h) + b: the seeds' order of additions, so their digits come out exactly
    z = x @ params.W_x.T  # (B, 4H)
    z += h @ params.W_h.T
    z += params.b
    with np.errstate(over="ignore"):  # σ's e^(-z) = inf for z < -709 gives σ = 0 exactly
        gates = split(activate(z, H), H)  # views into z
    c_new = gates["f"] * c + gates["i"] * gates["g"]  # (B, H)
    h_new = gates["o"] * np.tanh(c_new)  # (B, H)
    return h_new, c_new, {**{k: v.copy() for k, v in gates.items()}, "c": c_new, "h": h_new}
