"""The fast path: the same equations as ``sequence.forward`` and ``bptt.backward``, for training and benchmarks.

Chosen explicitly, with ``forward(..., fast=True)`` and ``backward(..., fast=True)``; a reader
meets the plain loops first, and this module never replaces them. What makes it faster:

- the input half W_x x_t of every step in one GEMM, and W_h h_{t-1} as a BLAS product;
- buffers reused in place, no temporaries inside the step loops;
- σ over all four gate blocks at once (z_g kept aside, its tanh written over the g block after);
- in BPTT, the local slopes σ' and tanh' of many steps at once, in chunks that fit the CPU cache.

BLAS sums in an order that depends on the CPU, so the fast path agrees with the plain one to
about 1e-15, not always bit for bit; the readout, which the lessons print, is computed in the
plain path's fixed order here too. Only the vanilla cell has a fast path.

It keeps numpy's own ``np.exp`` and ``np.tanh``, which numpy picks by CPU (AVX-512, AVX2 or
baseline versions that differ in the last bit), where the plain path uses the CPU-independent
ones of ``lstm_core.elementary``: nothing a lesson prints at full precision comes from here.
(``tests/core/test_fast.py`` checks the agreement.)
"""

import numpy as np

from .gates import GATES
from .params import LSTMParams

# Numbers per chunk of gate slopes in ``backward_fast`` (64 KB): all steps at once when they are small
SLOPE_CHUNK = 2**13


def _vanilla_only(variant):
    if variant != "vanilla":
        raise ValueError(f"fast=True: the fast path runs the vanilla cell only, not {variant!r}; use fast=False")


def split(a, H):
    """The four gate blocks of a stacked (..., 4H) array, as views, keyed by GATES."""
    return {k: a[..., n * H : (n + 1) * H] for n, k in enumerate(GATES)}


def sigmoid_inplace(z):
    """z <- σ(z) = 1 / (1 + e^(-z)) in four in-place passes, no temporaries (the hot loop's form).

    The same operations as ``sigmoid``; call it inside ``np.errstate(over="ignore")``, since
    e^(-z) = inf for z < -709 is expected there (and gives σ = 0 exactly).
    """
    np.negative(z, out=z)  # -z
    np.exp(z, out=z)  # e^(-z)
    z += 1.0  # 1 + e^(-z)
    return np.reciprocal(z, out=z)  # 1 / (1 + e^(-z)), correctly rounded like 1.0 / x


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


def forward_fast(params, xs, h0, c0, batched, variant="vanilla"):
    """``sequence.forward`` for checked inputs: xs (T, B, D), h0 and c0 (B, H)."""
    from .sequence import Trace, readout

    _vanilla_only(variant)
    T, B, _ = xs.shape
    H = params.hidden_size
    # The input half of every pre-activation in one GEMM; the loop adds W_h h_{t-1}, then b,
    # the plain path's order of additions
    a = xs @ params.W_x.T  # (T, B, 4H), becomes [i | f | g | o] step by step
    c = np.empty((T, B, H))
    h = np.empty((T, B, H))
    tanh_c = np.empty((T, B, H))
    W_hT = params.W_h.T  # (H, 4H)
    gate = split(a, H)  # every step's gate blocks, each (T, B, H)
    # Scratch buffers, reused by every step: no temporaries inside the loop
    Wh_h = np.empty((B, 4 * H))  # W_h h_{t-1}
    z_g = np.empty((B, H))  # z_g, kept aside while σ runs over the whole row
    i_g = np.empty((B, H))  # i_t * g_t
    h_prev, c_prev = h0, c0
    # step t's views: z (B, 4H), which holds W_x x_t, then i, f, g, o, c_t, tanh(c_t), h_t (B, H)
    steps = zip(a, gate["i"], gate["f"], gate["g"], gate["o"], c, tanh_c, h)
    with np.errstate(over="ignore"):  # σ's e^(-z) = inf for z < -709 gives σ = 0 exactly
        for z, i, f, g, o, c_t, tanh_c_t, h_t in steps:
            z += np.dot(h_prev, W_hT, out=Wh_h)  # z = W_x x_t + W_h h_{t-1}
            z += params.b  #     + b
            np.copyto(z_g, g)
            sigmoid_inplace(z)  # i, f, o = σ(z_i), σ(z_f), σ(z_o)
            np.tanh(z_g, out=g)  # g = tanh(z_g)
            np.multiply(f, c_prev, out=c_t)  # c_t = f_t * c_{t-1}
            c_t += np.multiply(i, g, out=i_g)  #       + i_t * g_t
            np.tanh(c_t, out=tanh_c_t)
            np.multiply(o, tanh_c_t, out=h_t)  # h_t = o_t * tanh(c_t)
            h_prev, c_prev = h_t, c_t
    return Trace(xs=xs, h0=h0, c0=c0, i_all=gate["i"], f_all=gate["f"], g_all=gate["g"], o_all=gate["o"],
                 c_all=c, h_all=h, y_all=readout(params, h), batched=batched, variant=variant)


def backward_fast(params, trace, dh, dc_next):
    """``bptt.backward``'s loop for checked inputs: dh (T, B, H), dc_next (B, H) = dL/dc_T from outside.

    Returns ``(grads, dxs, dh0, dc0, dc_all)`` with the batch axis kept.
    """
    _vanilla_only(trace.variant)
    H = params.hidden_size
    T, B, _ = trace.xs.shape
    dc_next = dc_next.copy()  # dL/dc_t flowing back from step t + 1, updated in place
    dh_next = np.zeros((B, H))  # dL/dh_t flowing back from step t + 1
    a = np.concatenate([trace.i_all, trace.f_all, trace.g_all, trace.o_all], axis=-1)  # (T, B, 4H)
    tanh_c_all = np.tanh(trace.c_all)  # (T, B, H)
    gate = split(a, H)  # i, f, g, o of every step, each (T, B, H)
    dz = np.empty_like(a)  # (T, B, 4H)
    dgate = split(dz, H)  # di, df, dg, do of every step, made dz_i, dz_f, dz_g, dz_o in place
    dc_all = np.empty((T, B, H))  # dL/dc_t of every step (returned with return_dc=True)
    dh_t = np.empty((B, H))  # scratch, reused by every step
    c_prev = np.concatenate([trace.c0[None], trace.c_all[:-1]])  # c_{t-1} of every step, (T, B, H)
    per_step = (dh, tanh_c_all, c_prev, dc_all, dz, gate["i"], gate["f"], gate["g"], gate["o"],
                dgate["i"], dgate["f"], dgate["g"], dgate["o"])
    # The local slopes need only the forward's values, not dc: they are computed for a chunk of
    # steps at once, in few numpy calls, and the chunk is small enough to stay in the CPU cache.
    chunk = max(1, SLOPE_CHUNK // (B * 4 * H))  # steps per chunk
    for stop in range(T, 0, -chunk):
        steps = slice(max(0, stop - chunk), stop)  # walked backwards, like the steps inside
        slope = slopes(a[steps], H)  # σ' or tanh' of every gate, (chunk, B, 4H)
        tanh_slope = 1.0 - tanh_c_all[steps] ** 2  # tanh'(c_t), (chunk, B, H)
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
    grads = LSTMParams(W_x=dz2.T @ trace.xs.reshape(T * B, -1), W_h=dz2.T @ h_prev.reshape(T * B, H), b=dz2.sum(axis=0))
    dxs = dz @ params.W_x  # (T, B, D)
    return grads, dxs, dh_next, dc_next, dc_all
