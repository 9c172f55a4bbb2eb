"""Backpropagation through time: each derivative sits beside the forward line it comes from.

Notation
--------
dX means dL/dX for the loss L. Shapes as in ``sequence``: (B, H) per step, (T, B, H) in all;
``dz`` (B, 4H) the stacked pre-activation gradients [dz_i | dz_f | dz_g | dz_o] of one step.

Equations (forward  ->  backward, walked from t = T down to 1)
---------
h_t = o_t tanh(c_t)             ->  do_t = dh_t tanh(c_t)
                                    dc_t += dh_t o_t (1 - tanh²(c_t))
c_t = f_t c_{t-1} + i_t g_t     ->  df_t = dc_t c_{t-1},  di_t = dc_t g_t,  dg_t = dc_t i_t
                                    dc_{t-1} = dc_t f_t            (the constant error carousel)
i, f, o = σ(z)                  ->  dz = d(gate) σ (1 - σ)
g = tanh(z_g)                   ->  dz_g = dg (1 - g²)
z_t = W_x x_t + W_h h_{t-1} + b ->  dh_{t-1} = dz_t W_h,  dx_t = dz_t W_x
                                    dW_x = Σ_t dz_tᵀ x_t,  dW_h = Σ_t dz_tᵀ h_{t-1},  db = Σ_t dz_t
y_t = W_y h_t + b_y             ->  see ``readout_backward``

The variants (``cell.cell_equations``) change the lines of the gate they replace: a gate fixed
at 1 passes no gradient to its weights (dz = 0); ``no_output_tanh`` has h_t = o_t c_t, so
do_t = dh_t c_t and dc_t += dh_t o_t; ``coupled_input_forget`` has i_t = 1 - f_t, so
df_t = dc_t (c_{t-1} - g_t).

``backward(..., fast=True)`` runs ``lstm_core.fast.backward_fast``: the same equations, several
steps' slopes at once and BLAS products; it agrees with this loop to 1e-12 (``tests/core/test_fast.py``).
"""

import numpy as np

from .cell import summed_products, weighted_sum
from .checks import as_float_array, expect_shape
from .params import LSTMParams


def backward(params, trace, dh, dc_last=None, return_dc=False, fast=False):
    """Gradients of a loss L from ``dh`` = dL/dh_t at every step (the shape of ``trace.h``).

    Returns ``(grads, dxs, dh0, dc0)``: ``grads`` is an LSTMParams of dL/dW_x, dL/dW_h, dL/db
    (the readout, if any, gets zero gradients here: it is not on the path from h to L that
    ``dh`` describes); ``dxs``, ``dh0`` and ``dc0`` have the shapes of ``trace.x``,
    ``trace.initial_h`` and ``trace.initial_c``. ``dc_last`` is an extra dL/dc_T.
    With ``return_dc=True`` a fifth item is the total dL/dc_t of every step (through h_t and
    through c_{t+1}), shaped like ``trace.c``: the gradient flow lessons plot it.
    The backward pass follows the variant the trace was made with.
    """
    H = params.hidden_size
    T, B, _ = trace.xs.shape
    shown = (T, B, H) if trace.batched else (T, H)
    dh = expect_shape("dh", as_float_array("dh", dh), shown).reshape(T, B, H)  # (T, B, H)
    dc_next = np.zeros((B, H))  # dL/dc_t flowing back from step t + 1
    if dc_last is not None:
        dc_next = dc_next + expect_shape("dc_last", as_float_array("dc_last", dc_last), shown[1:]).reshape(B, H)
    if fast:
        from .fast import backward_fast  # the fast path sits beside this one, in its own module

        grads, dxs, dh0, dc0, dc_all = backward_fast(params, trace, dh, dc_next)
    else:
        grads, dxs, dh0, dc0, dc_all = _backward_steps(params, trace, dh, dc_next)
    if params.has_readout:
        grads.W_y, grads.b_y = np.zeros_like(params.W_y), np.zeros_like(params.b_y)
    out = (grads, dxs, dh0, dc0) if trace.batched else (grads, dxs[:, 0], dh0[0], dc0[0])
    if return_dc:
        out += (trace.as_given(dc_all),)
    return out


def _backward_steps(params, trace, dh, dc_next):
    """The loop of ``backward``: t from T down to 1, one line per derivative. Batch axis kept."""
    variant = trace.variant
    T, B, H = trace.h_all.shape
    dz_all = np.zeros((T, B, 4 * H))  # dL/dz_t of every step
    dc_all = np.zeros((T, B, H))  # dL/dc_t of every step, through h_t and through c_{t+1}
    dh_next = np.zeros((B, H))  # dL/dh_t flowing back from step t + 1
    tanh_c_all = trace.tanh_c_all if variant != "no_output_tanh" else None  # (T, B, H), the forward's tanh(c_t)
    for t in reversed(range(T)):
        i, f, g, o, c = trace.i_all[t], trace.f_all[t], trace.g_all[t], trace.o_all[t], trace.c_all[t]  # (B, H)
        c_prev = trace.c_all[t - 1] if t > 0 else trace.c0  # (B, H)

        dh_t = dh[t] + dh_next  # h_t feeds the loss at t and step t + 1
        # h_t = o_t tanh(c_t)            (h_t = o_t c_t under no_output_tanh)
        if variant == "no_output_tanh":
            do = dh_t * c
            dc = dc_next + dh_t * o
        else:
            tanh_c = tanh_c_all[t]
            do = dh_t * tanh_c
            dc = dc_next + dh_t * o * (1.0 - tanh_c**2)
        dc_all[t] = dc
        # c_t = f_t c_{t-1} + i_t g_t
        df = dc * c_prev
        di = dc * g
        dg = dc * i
        dc_next = dc * f  # the constant error carousel
        if variant == "coupled_input_forget":
            df = df - di  # i_t = 1 - f_t: what reaches i_t reaches f_t with the opposite sign
        # i, f, o = σ(z_i), σ(z_f), σ(z_o);  g = tanh(z_g)
        dz_i = np.zeros_like(di) if variant in ("no_input_gate", "coupled_input_forget") else di * (i * (1.0 - i))
        dz_f = np.zeros_like(df) if variant == "no_forget_gate" else df * (f * (1.0 - f))
        dz_g = dg * (1.0 - g**2)
        dz_o = np.zeros_like(do) if variant == "no_output_gate" else do * (o * (1.0 - o))
        dz = np.concatenate([dz_i, dz_f, dz_g, dz_o], axis=-1)  # (B, 4H), GATES order
        dz_all[t] = dz
        # z_t = W_x x_t + W_h h_{t-1} + b
        dh_next = weighted_sum(params.W_h.T, dz)  # dL/dh_{t-1} = dz W_h, (B, H)

    # The same W_x, W_h, b serve every step, so their gradients sum over the steps (and the batch):
    # dW_x = Σ_t dz_tᵀ x_t,  dW_h = Σ_t dz_tᵀ h_{t-1},  db = Σ_t dz_t  (in a fixed order: cell.summed_products)
    h_prev = np.concatenate([trace.h0[None], trace.h_all[:-1]])  # h_{t-1} of every step, (T, B, H)
    dW_x = summed_products(dz_all, trace.xs)  # (4H, D)
    dW_h = summed_products(dz_all, h_prev)  # (4H, H)
    db = dz_all.reshape(T * B, 4 * H).sum(axis=0)  # (4H,)
    dxs = weighted_sum(params.W_x.T, dz_all)  # dx_t = dz_t W_x, (T, B, D)
    return LSTMParams(W_x=dW_x, W_h=dW_h, b=db), dxs, dh_next, dc_next, dc_all


def readout_backward(params, trace, dy):
    """Through ``y_t = W_y h_t + b_y``: ``(dW_y, db_y, dh)`` from ``dy`` = dL/dy_t (the shape of ``trace.y``)."""
    if not params.has_readout:
        raise ValueError("readout_backward: these params have no readout (W_y, b_y); give W_y when building them")
    T, B, H = trace.h_all.shape
    O = params.output_size
    shown = (T, B, O) if trace.batched else (T, O)
    dy = expect_shape("dy", as_float_array("dy", dy), shown).reshape(T, B, O)  # (T, B, O)
    dW_y = summed_products(dy, trace.h_all)  # Σ_t dy_tᵀ h_t, (O, H)
    db_y = dy.sum(axis=(0, 1))  # (O,)
    dh = weighted_sum(params.W_y.T, dy)  # dy W_y, (T, B, H)
    return dW_y, db_y, dh if trace.batched else dh[:, 0]


__all__ = ["backward", "readout_backward"]
