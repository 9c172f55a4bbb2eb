"""lstm_core.fixed_order.weighted_sum: numpy's pairwise order, written out, bit for bit.

The reference is numpy's own sum along a contiguous last axis, ``(v[..., None, :] * W).sum(axis=-1)``:
the order the printed numbers were made with (the worked examples' digits in tests/core/test_golden.py
come from it). Every n from 1 to 40 covers both branches below 128 and every remainder of 8; 129..513
the recursive split.
"""

import numpy as np
import pytest

from lstm_core.fixed_order import weighted_sum


def numpy_sum(W, v):
    return (v[..., None, :] * W).sum(axis=-1)


def assert_same_bits(got, want):
    assert got.shape == want.shape and got.dtype == want.dtype == np.float64
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(want))  # -0.0 and +0.0 apart


@pytest.mark.parametrize("n", list(range(1, 41)) + [63, 64, 65, 127, 128, 129, 130, 136, 200, 256, 257, 300, 513])
@pytest.mark.parametrize("lead", [(), (3,), (5, 4)], ids=["vector", "batch", "steps-and-batch"])
def test_the_order_is_numpys_pairwise_sum(n, lead):
    rng = np.random.default_rng(n * 10 + len(lead))
    m = int(rng.integers(1, 9))
    # magnitudes 1e-3 .. 1e8 apart, so that a different order of additions shows in the last bits
    W = rng.normal(size=(m, n)) * rng.choice([1.0, 1e-3, 1e8], size=(m, n))
    v = rng.normal(size=lead + (n,))
    assert_same_bits(weighted_sum(W, v), numpy_sum(W, v))


def test_a_different_order_would_be_caught():
    """The data above tells orders apart: a plain left-to-right sum gives other bits for most n >= 8."""
    differ = 0
    for n in range(8, 41):
        rng = np.random.default_rng(n * 10 + 1)
        m = int(rng.integers(1, 9))
        W = rng.normal(size=(m, n)) * rng.choice([1.0, 1e-3, 1e8], size=(m, n))
        v = rng.normal(size=(3, n))
        products = v[..., None, :] * W
        left_to_right = products[..., 0].copy()
        for j in range(1, n):
            left_to_right += products[..., j]
        differ += not np.array_equal(left_to_right, weighted_sum(W, v))
    assert differ >= 25


def test_signed_zeros_and_exact_zeros():
    W = np.array([[0.0, 0.0, 0.0], [1.0, -1.0, 0.0]])
    v = np.array([[-1.0, -2.0, -3.0], [2.0, 2.0, 5.0]])  # 0 * -1 = -0.0: the sum of -0.0s is +0.0 in numpy
    assert_same_bits(weighted_sum(W, v), numpy_sum(W, v))
    np.testing.assert_array_equal(np.signbit(weighted_sum(W, v)), False)


def test_by_hand():
    W = np.array([[1.0, 2.0], [3.0, -4.0]])
    np.testing.assert_array_equal(weighted_sum(W, np.array([0.5, 0.25])), [1.0, 0.5])
    np.testing.assert_array_equal(weighted_sum(W, np.array([[1.0, 0.0], [0.0, 1.0]])), [[1.0, 3.0], [2.0, -4.0]])
