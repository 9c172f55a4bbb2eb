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

from .cell import slopes, split
from .checks import as_float_array, expect_shape
from .gates import GATES
from .params import LSTMParams

# Numbers per chunk of gate slopes in ``backward`` (64 KB): all steps at once when they are small
SLOPE_CHUNK = 2**13


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
        dc_next += expect_shape("dc_last", as_float_array("dc_last", dc_last), shown[1:]).reshape(B, H)
    dh_next = np.zeros((B, H))  # dL/dh_t flowing back from step t + 1

    gate = split(trace.a, H)  # i, f, g, o of every step, each (T, B, H)
    dz = np.empty_like(trace.a)  # (T, B, 4H)
    dgate = split(dz, H)  # di, df, dg, do of every step, made dz_i, dz_f, dz_g, dz_o in place
    dc_all = np.empty((T, B, H))  # dL/dc_t of every step (returned with return_dc=True)
    dh_t = np.empty((B, H))  # scratch, reused by every step
    c_prev = np.concatenate([trace.c0[None], trace.c_all[:-1]])  # c_{t-1} of every step, (T, B, H)
    per_step = (dh, trace.tanh_c, c_prev, dc_all, dz, gate["i"], gate["f"], gate["g"], gate["o"],
                dgate["i"], dgate["f"], dgate["g"], dgate["o"])
    # The local slopes need only the forward's values, not dc: they are computed for a chunk of
    # steps at once, in few numpy calls, and the chunk is small enough to stay in the CPU cache.
    chunk = max(1, SLOPE_CHUNK // (B * 4 * H))  # steps per chunk
    for stop in range(T, 0, -chunk):
        steps = slice(max(0, stop - chunk), stop)  # walked backwards, like the steps inside
        slope = slopes(trace.a[steps], H)  # σ' or tanh' of every gate, (chunk, B, 4H)
        tanh_slope = 1.0 - trace.tanh_c[steps] ** 2  # tanh'(c_t), (chunk, B, H)
        # step t's views, t walking down: (B, H) each, but dz_t and its slope (B, 4H)
        for (dh_loss, tanh_c, c_prev_t, dc, dz_t, i, f, g, o, di, df, dg, do, slope_t, tanh_slope_t) in zip(
                *(arr[steps][::-1] for arr in per_step), slope[::-1], tanh_slope[::-1]):
            np.add(dh_loss, dh_next, out=dh_t)  # dh_t: from the loss at t and from step t + 1
            # h_t = o_t tanh(c_t)
            np.multiply(dh_t, tanh_c, out=do)  # do_t
            np.multiply(dh_t, o, out=dc)  # dc_t = dh_t o_t (1 - tanh²(c_t))
            dc *= tanh_slope_t
            dc += dc_next  #        + dc_{t+1} f_{t+1}
            # c_t = f_t c_{t-1} + i_t g_t
            np.multiply(dc, g, out=di)  # di_t
            np.multiply(dc, c_prev_t, out=df)  # df_t
            np.multiply(dc, i, out=dg)  # dg_t
            np.multiply(dc, f, out=dc_next)  # dL/dc_{t-1} through c_t
            # gates = σ(z) or tanh(z): multiply by the local slope of each, all four blocks at once
            dz_t *= slope_t  # (B, 4H)
            # z_t = W_x x_t + W_h h_{t-1} + b
            np.dot(dz_t, params.W_h, out=dh_next)  # dh_{t-1} = dz_t W_h, (B, H)

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
    if not params.has_readout:
        raise ValueError("readout_backward: these params have no readout (W_y, b_y); give W_y when building them")
    T, B, H = trace.h_all.shape
    O = params.output_size
    shown = (T, B, O) if trace.batched else (T, O)
    dy = expect_shape("dy", as_float_array("dy", dy), shown).reshape(T, B, O)  # (T, B, O)
    dW_y = dy.reshape(T * B, O).T @ trace.h_all.reshape(T * B, H)  # (O, H)
    db_y = dy.sum(axis=(0, 1))  # (O,)
    dh = dy @ params.W_y  # (T, B, H)
    return dW_y, db_y, dh if trace.batched else dh[:, 0]


__all__ = ["backward", "readout_backward", "GATES"]
