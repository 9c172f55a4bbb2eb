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
    """σ(z) = 1 / (1 + e^(-z)), without overflow.

    With e = exp(-|z|): σ = 1 / (1 + e) for z >= 0 and e / (1 + e) for z < 0. exp never
    sees a positive argument, so no warning escapes at ±1000, and the limits are exactly
    0 and 1. For z >= 0 it is the seeds' own formula, operation for operation, which keeps
    their printed digits (the tanh form ½(1 + tanh(z/2)) is one pass cheaper but moves the
    vector seed's prediction by one unit in the last place).
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    numerator = np.where(z >= 0, 1.0, e)
    e += 1.0
    return np.divide(numerator, e, out=out)


def activate(z, H):
    """Squash stacked pre-activations in place: σ on the i, f, o blocks, tanh on g."""
    gi = GATES.index("g")
    g = z[..., gi * H : (gi + 1) * H]
    np.tanh(g, out=g)
    # i and f are contiguous in front of g, o sits behind it
    sigmoid(z[..., : gi * H], out=z[..., : gi * H])
    sigmoid(z[..., (gi + 1) * H :], out=z[..., (gi + 1) * H :])
    return z


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
    gates = split(activate(z, H), H)  # views into z
    c_new = gates["f"] * c + gates["i"] * gates["g"]  # (B, H)
    h_new = gates["o"] * np.tanh(c_new)  # (B, H)
    return h_new, c_new, {**{k: v.copy() for k, v in gates.items()}, "c": c_new, "h": h_new}
