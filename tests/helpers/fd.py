"""Central finite differences, written here for the tests and independent of lstm_core (and of its
lstm_core.gradcheck, which the tests check separately)."""

import numpy as np


def central_difference(f, arr, eps):
    """d f() / d arr by (f(θ + ε) - f(θ - ε)) / 2ε, one entry of ``arr`` at a time.

    ``arr`` is changed in place and every entry restored; ``f`` takes no arguments and reads ``arr``.
    """
    grad = np.zeros_like(arr)
    for idx in np.ndindex(arr.shape):
        keep = arr[idx]
        arr[idx] = keep + eps
        up = f()
        arr[idx] = keep - eps
        down = f()
        arr[idx] = keep
        grad[idx] = (up - down) / (2 * eps)
    return grad
