"""Matrix-vector products summed in a fixed order, the same bits on every CPU: everything the lessons print.

Notation
--------
W : (m, n)        a weight matrix (W_x, W_h, W_y, ...)
v : (..., n)      one vector or a stack of them (a batch, or every step of a sequence)
a_j : (..., m)    the products W[:, j] v_j of column j, rounded once each

Equations
---------
(W v)_k = Σ_j W[k, j] v_j, the terms a_j added in numpy's pairwise order (``numpy.sum`` along a
contiguous axis, numpy 1.9 to 2.4):

    n < 8:         0 + ((a_0 + a_1) + a_2) + ... + a_(n-1)
    8 <= n <= 128: r_j = a_j + a_(j+8) + a_(j+16) + ...  (j = 0..7, whole blocks of 8, in that order)
                   0 + (((r_0 + r_1) + (r_2 + r_3)) + ((r_4 + r_5) + (r_6 + r_7))) + a_(8q) + ... + a_(n-1)
    n > 128:       the sum of the first n2 terms plus the sum of the rest, n2 = n/2 rounded down to a multiple of 8

A BLAS dot product never does it: OpenBLAS picks its kernel by CPU, and its AVX-512 kernels round
a short dot product differently from the others (the vector worked example's prediction then ends
in ...377 instead of ...376). Here every addition and every product is one elementwise numpy call,
exact IEEE arithmetic on any SIMD level, so the order is the one written above on every machine.
(It is the order ``(v[..., None, :] * W).sum(axis=-1)`` used before, bit for bit, as
``tests/core/test_fixed_order.py`` checks; written out, it needs no (..., m, n) temporary summed
along its short last axis, which was most of the plain path's time.)
"""

import numpy as np


def _pairwise(a, n):
    """The sum of the slabs a[0], ..., a[n - 1] (each (..., m)) in numpy's pairwise order."""
    if n < 8:
        total = a[0] + a[1] if n > 1 else a[0].copy()
        for j in range(2, n):
            total += a[j]
        return total
    if n <= 128:
        whole = n - n % 8  # the terms in whole blocks of 8
        r = a[0:8]  # r_0 .. r_7, (8, ..., m)
        if whole >= 16:
            r = r + a[8:16]
            for block in range(16, whole, 8):
                r += a[block : block + 8]
        pairs = r[0::2] + r[1::2]  # (r_0 + r_1), (r_2 + r_3), (r_4 + r_5), (r_6 + r_7)
        quads = pairs[0::2] + pairs[1::2]
        total = quads[0] + quads[1]
        for j in range(whole, n):
            total += a[j]
        return total
    n2 = n // 2
    n2 -= n2 % 8
    return _pairwise(a[:n2], n2) + _pairwise(a[n2:], n - n2)


def weighted_sum(W, v):
    """W v for every row of ``v``, summed in the fixed order above: (..., n) with W (m, n) -> (..., m)."""
    n = W.shape[1]
    if n == 1:
        total = v * W[:, 0]  # (..., 1) * (m,): the one term a_0
    else:
        W_T = np.ascontiguousarray(W.T)  # (n, m): column j of W as row j, contiguous for the products
        if v.ndim == 1:
            a = v[:, None] * W_T  # a[j] = W[:, j] v_j, (n, m)
        elif v.ndim == 2:
            a = v.T[:, :, None] * W_T[:, None, :]  # (n, B, m)
        else:
            a = np.moveaxis(v, -1, 0)[..., None] * W_T.reshape((n,) + (1,) * (v.ndim - 1) + (W.shape[0],))
        total = _pairwise(a, n)
    total += 0.0  # numpy's sum starts from 0: -0.0 sums come out +0.0, as before
    return total


def summed_products(a, b):
    """Σ_t a_tᵀ b_t for a (T, B, m) and b (T, B, n): (m, n), summed in a fixed order.

    The backward pass's weight gradients (dW_x = Σ_t dz_tᵀ x_t, ...). Each step's products
    a_t[β, k] b_t[β, j] are added over the batch β in the order above (``weighted_sum`` of the
    step's columns), and the steps one after another in order, never by a BLAS product: training
    adds these up thousands of times, and a last-bit difference there grows into another trained
    network. (The same bits as ``(a_t.T[:, None, :] * b_t.T[None, :, :]).sum(axis=-1)`` per step.)
    """
    total = np.zeros((a.shape[-1], b.shape[-1]))  # (m, n)
    for a_t, b_t in zip(a, b):  # (B, m), (B, n)
        total += weighted_sum(np.ascontiguousarray(b_t.T), np.ascontiguousarray(a_t.T))  # Σ_β a[β, k] b[β, j]
    return total


__all__ = ["summed_products", "weighted_sum"]
