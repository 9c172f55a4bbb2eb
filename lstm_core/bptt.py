"""Backpropagation through time: each derivative sits beside the forward line it comes from.

Notation
--------
dX means dL/dX for the loss L. Shapes as in ``sequence``: (T, B, H) per step,
``dz`` (T, B, 4H) the stacked pre-activation gradients [dz_i | dz_f | dz_g | dz_o].

Equations (forward  ->  backward, walked from t = T down to 1)
---------
h_t = o_t tanh(c_t)             ->  do_t = dh_t tanh(c_t)
                                    dc_t += dh_t o_t (1 - tanh²(c_t))
c_t = f_t c_{t-1} + i_t g_t     ->  df_t = dc_t c_{t-1},  di_t = dc_t g_t,  dg_t = dc_t i_t
                                    dc_{t-1} = dc_t f_t            (the constant error carousel)
i, f, o = σ(z)                  ->  dz = d(gate) σ (1 - σ)
g = tanh(z_g)                   ->  dz_g = dg (1 - g²)
z_t = W_x x_t + W_h h_{t-1} + b ->  dh_{t-1} += dz_t W_h,  dx_t = dz_t W_x
                                    dW_x = Σ_t dz_tᵀ x_t,  dW_h = Σ_t dz_tᵀ h_{t-1},  db = Σ_t dz_t
y_t = W_y h_t + b_y             ->  see ``readout_backward``
"""

import numpy as np

from .cell import split
from .checks import as_float_array, expect_shape
from .gates import GATES
from .params import LSTMParams


def backward(params, trace, dh, dc_last=None, return_dc=False):
    """Gradients of a loss L from ``dh`` = dL/dh_t at every step (the shape of ``trace.h``).

    Returns ``(grads, dxs, dh0, dc0)``: ``grads`` is an LSTMParams of dL/dW_x, dL/dW_h, dL/db
    (the readout, if any, gets zero gradients here: it is not on the path from h to L that
    ``dh`` describes); ``dxs``, ``dh0`` and ``dc0`` have the shapes of ``trace.x``,
    ``trace.initial_h`` and ``trace.initial_c``. ``dc_last`` is an extra dL/dc_T.
    With ``return_dc=True`` a fifth item is the total dL/dc_t of every step (through h_t and
    through c_{t+1}), shaped like ``trace.c``: the gradient flow lessons plot it.
    """
    H = params.hidden_size
    T, B, _ = trace.xs.shape
    shown = (T, B, H) if trace.batched else (T, H)
    dh = expect_shape("dh", as_float_array("dh", dh), shown).reshape(T, B, H)  # (T, B, H)
    dc_next = np.zeros((B, H))  # dL/dc_t flowing back from step t + 1
    if dc_last is not None:
        dc_next = dc_next + expect_shape("dc_last", as_float_array("dc_last", dc_last), shown[1:]).reshape(B, H)
    dh_next = np.zeros((B, H))  # dL/dh_t flowing back from step t + 1
    dz = np.empty_like(trace.a)  # (T, B, 4H)
    dc_all = np.empty((T, B, H)) if return_dc else None
    for t in reversed(range(T)):
        a = split(trace.a[t], H)  # i, f, g, o at step t, each (B, H)
        dzt = split(dz[t], H)
        c_prev = trace.c_all[t - 1] if t > 0 else trace.c0  # (B, H)
        dh_t = dh[t] + dh_next
        # h_t = o_t tanh(c_t)
        np.multiply(dh_t, trace.tanh_c[t], out=dzt["o"])  # do_t, made dz_o below
        dc = dc_next + dh_t * a["o"] * (1.0 - trace.tanh_c[t] ** 2)
        if return_dc:
            dc_all[t] = dc
        # c_t = f_t c_{t-1} + i_t g_t
        np.multiply(dc, a["g"], out=dzt["i"])  # di_t
        np.multiply(dc, c_prev, out=dzt["f"])  # df_t
        np.multiply(dc, a["i"], out=dzt["g"])  # dg_t
        dc_next = dc * a["f"]
        # gates = σ(z) or tanh(z): multiply by the local slope of each
        for k in ("i", "f", "o"):
            dzt[k] *= a[k] * (1.0 - a[k])
        dzt["g"] *= 1.0 - a["g"] ** 2
        # z_t = W_x x_t + W_h h_{t-1} + b
        dh_next = dz[t] @ params.W_h  # (B, H)

    # The weight gradients for all steps at once: sums over (t, batch) as one GEMM each.
    h_prev = np.concatenate([trace.h0[None], trace.h_all[:-1]])  # (T, B, H)
    dz2 = dz.reshape(T * B, 4 * H)
    grads = LSTMParams(
        W_x=dz2.T @ trace.xs.reshape(T * B, -1),
        W_h=dz2.T @ h_prev.reshape(T * B, H),
        b=dz2.sum(axis=0),
        **({"W_y": np.zeros_like(params.W_y), "b_y": np.zeros_like(params.b_y)} if params.has_readout else {}),
    )
    dxs = dz @ params.W_x  # (T, B, D)
    out = (grads, dxs, dh_next, dc_next) if trace.batched else (grads, dxs[:, 0], dh_next[0], dc_next[0])
    if return_dc:
        out += (dc_all if trace.batched else dc_all[:, 0],)
    return out


def readout_backward(params, trace, dy):
    """Through ``y_t = W_y h_t + b_y``: ``(dW_y, db_y, dh)`` from ``dy`` = dL/dy_t (the shape of ``trace.y``)."""
    T, B, H = trace.h_all.shape
    O = params.output_size
    shown = (T, B, O) if trace.batched else (T, O)
    dy = expect_shape("dy", as_float_array("dy", dy), shown).reshape(T, B, O)  # (T, B, O)
    dW_y = dy.reshape(T * B, O).T @ trace.h_all.reshape(T * B, H)  # (O, H)
    db_y = dy.sum(axis=(0, 1))  # (O,)
    dh = dy @ params.W_y  # (T, B, H)
    return dW_y, db_y, dh if trace.batched else dh[:, 0]


__all__ = ["backward", "readout_backward", "GATES"]
