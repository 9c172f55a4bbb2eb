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
from .elementary import sigmoid, tanh  # the printed path's σ and tanh (one place; see elementary.py)


def weighted_sum(W, v):
    """W v for every row of ``v``, summed in a fixed order: (..., n) with W (m, n) -> (..., m).

    The elementwise products W[k, j] v[j] are added along j by numpy's own sum, never by a BLAS
    dot product: OpenBLAS picks its kernel by CPU, and its AVX-512 kernels round a short dot
    product differently from the others (the vector worked example's prediction then ends in
    ...377 instead of ...376). Everything the lessons print goes through here, so it comes out
    the same on every machine.
    """
    return (v[..., None, :] * W).sum(axis=-1)


def summed_products(a, b):
    """Σ_t a_tᵀ b_t for a (T, B, m) and b (T, B, n): (m, n), summed in a fixed order.

    The backward pass's weight gradients (dW_x = Σ_t dz_tᵀ x_t, ...). Each step's products are
    added over the batch by numpy's own sum, and the steps one after another in order, never by a
    BLAS product: the same reason as in ``weighted_sum``, and training adds these up thousands of
    times (a last-bit difference there grows into another trained network).
    """
    total = np.zeros((a.shape[-1], b.shape[-1]))  # (m, n)
    for a_t, b_t in zip(a, b):  # (B, m), (B, n)
        total += (a_t.T[:, None, :] * b_t.T[None, :, :]).sum(axis=-1)  # Σ_b a[b, k] b[b, j]
    return total


VARIANTS = ("vanilla", "no_forget_gate", "no_input_gate", "no_output_gate", "no_output_tanh", "coupled_input_forget")


def check_variant(variant):
    """``variant`` if it is one of VARIANTS, else a ValueError that lists them."""
    if variant not in VARIANTS:
        raise ValueError(f"variant: expected one of {', '.join(VARIANTS)}; got {variant!r}")
    return variant


def cell_equations(params, x, h_prev, c_prev, variant="vanilla"):
    """The equations of one step, nothing else: ``(i, f, g, o, c, h)`` for x (B, D), h_prev and c_prev (B, H).

    The variants (Greff et al. 2017) change one line each: ``no_forget_gate`` f = 1,
    ``no_input_gate`` i = 1, ``no_output_gate`` o = 1, ``no_output_tanh`` h = o c,
    ``coupled_input_forget`` i = 1 - f. The gate they replace is still computed from its
    weights, and then not used.
    """
    H = params.hidden_size
    # (W_x x + W_h h) + b: the worked examples' order of additions, so their digits come out exactly
    z = weighted_sum(params.W_x, x) + weighted_sum(params.W_h, h_prev) + params.b  # (B, 4H)
    z_i, z_f, z_g, z_o = (z[..., n * H : (n + 1) * H] for n in range(4))  # GATES order i, f, g, o
    i = sigmoid(z_i)  # (B, H)
    f = sigmoid(z_f)
    g = tanh(z_g)
    o = sigmoid(z_o)
    if variant == "no_forget_gate":
        f = np.ones_like(f)
    elif variant == "no_input_gate":
        i = np.ones_like(i)
    elif variant == "no_output_gate":
        o = np.ones_like(o)
    elif variant == "coupled_input_forget":
        i = 1.0 - f
    c = f * c_prev + i * g  # (B, H)
    h = o * (c if variant == "no_output_tanh" else tanh(c))  # (B, H)
    return i, f, g, o, c, h


def step(params, x, h=None, c=None, variant="vanilla"):
    """Advance one step: ``(h_new, c_new, gates)``.

    ``gates`` holds ``i, f, g, o, c, h`` for this step. Shapes follow ``x``: (D,) gives (H,),
    (B, D) gives (B, H). ``h`` and ``c`` default to zeros.
    """
    H, D = params.hidden_size, params.input_size
    check_variant(variant)
    x = as_float_array("x", x)
    if x.ndim == 0 and D == 1:
        x = x.reshape(1)
    if x.ndim not in (1, 2):
        raise ValueError(f"x: expected shape ({D},) or (B, {D}), got {tuple(x.shape)}")
    expect_shape("x", x, x.shape[:-1] + (D,))
    state_shape = x.shape[:-1] + (H,)
    h = np.zeros(state_shape) if h is None else expect_shape("h", as_float_array("h", h), state_shape)
    c = np.zeros(state_shape) if c is None else expect_shape("c", as_float_array("c", c), state_shape)
    i, f, g, o, c_new, h_new = cell_equations(params, x, h, c, variant)
    return h_new, c_new, {"i": i, "f": f, "g": g, "o": o, "c": c_new, "h": h_new}
