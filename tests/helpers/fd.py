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


def assert_gradient_close(analytic, numeric, what, rtol=1e-6):
    """The one criterion for an analytic gradient against central differences, used by every test file.

    Both must hold: elementwise |a - n| <= rtol * max(1, |a|, |n|), and over the whole array
    max |a - n| <= rtol * max |n|, which is the stricter one when the gradient is small. An array whose
    numeric gradient is all (near) zero checks nothing, so it fails unless ``analytic`` is exactly zero
    too (a gate that a variant fixes gets no gradient at all).
    """
    analytic, numeric = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    assert analytic.shape == numeric.shape, (what, analytic.shape, numeric.shape)
    if analytic.size == 0:
        return
    scale = float(np.max(np.abs(numeric)))
    if scale <= 1e-9:
        assert np.all(analytic == 0.0), f"{what}: central differences give ~0 but the analytic gradient is not 0"
        return
    err = np.abs(analytic - numeric)
    per_entry = err / np.maximum(1.0, np.maximum(np.abs(analytic), np.abs(numeric)))
    worst = np.unravel_index(np.argmax(per_entry), per_entry.shape)
    assert np.all(per_entry <= rtol), \
        f"{what}: worst at {worst}: analytic {analytic[worst]!r}, numeric {numeric[worst]!r}"
    assert float(np.max(err)) <= rtol * scale, f"{what}: max |a - n| = {np.max(err):.3e} > {rtol} * {scale:.3e}"
