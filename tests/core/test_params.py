"""LSTMParams: gate views, the worked examples' layouts built by hand, random draws, copies."""

import numpy as np
import pytest

from lstm_core import GATES, LSTMParams, forward

H, D = 2, 3


def by_gate_params():
    """W_x rows of gate k all equal 10k + 1, W_h rows 10k + 2, b entries 10k + 3 (k in GATES order)."""
    return LSTMParams(
        W_x=np.vstack([np.full((H, D), 10.0 * k + 1) for k in range(4)]),
        W_h=np.vstack([np.full((H, H), 10.0 * k + 2) for k in range(4)]),
        b=np.concatenate([np.full(H, 10.0 * k + 3) for k in range(4)]),
    )


def test_gates_order_is_i_f_g_o():
    assert GATES == ("i", "f", "g", "o")


@pytest.mark.parametrize("k, name", list(enumerate(("i", "f", "g", "o"))))
def test_gate_returns_that_gates_rows(k, name):
    W_x, W_h, b = by_gate_params().gate(name)
    assert W_x.shape == (H, D) and W_h.shape == (H, H) and b.shape == (H,)
    assert np.all(W_x == 10 * k + 1) and np.all(W_h == 10 * k + 2) and np.all(b == 10 * k + 3)


@pytest.mark.parametrize("name", ["i", "f", "g", "o"])
def test_gate_returns_views(name):
    p = by_gate_params()
    before = p.copy()
    W_x, W_h, b = p.gate(name)
    W_x[...] = -1.0
    W_h[0, 1] = -2.0
    b[-1] = -3.0
    k = ("i", "f", "g", "o").index(name)
    rows = slice(k * H, (k + 1) * H)
    assert np.all(p.W_x[rows] == -1.0)
    assert p.W_h[k * H, 1] == -2.0
    assert p.b[(k + 1) * H - 1] == -3.0
    # nothing outside the gate's rows moved
    keep = np.ones(4 * H, bool)
    keep[rows] = False
    np.testing.assert_array_equal(p.W_x[keep], before.W_x[keep])
    np.testing.assert_array_equal(p.W_h[keep], before.W_h[keep])
    np.testing.assert_array_equal(p.b[keep], before.b[keep])
    # and the forward pass sees the write
    assert not np.array_equal(forward(p, np.ones((2, D))).h, forward(before, np.ones((2, D))).h)


def test_from_concat_maps_x_first_columns():
    """H = 1, D = 2: each gate's (1, 3) matrix acts on [x1, x2, h]."""
    p = LSTMParams.from_concat(
        Wf=[[1.0, 2.0, 3.0]],
        Wi=[[4.0, 5.0, 6.0]],
        Wc=[[7.0, 8.0, 9.0]],
        Wo=[[10.0, 11.0, 12.0]],
        bf=[[0.1]],
        bi=[[0.2]],
        bc=[[0.3]],
        bo=[[0.4]],
    )
    # rows in GATES order i, f, g(=c), o
    np.testing.assert_array_equal(p.W_x, [[4.0, 5.0], [1.0, 2.0], [7.0, 8.0], [10.0, 11.0]])
    np.testing.assert_array_equal(p.W_h, [[6.0], [3.0], [9.0], [12.0]])
    np.testing.assert_array_equal(p.b, [0.2, 0.1, 0.3, 0.4])
    assert not p.has_readout


def test_from_concat_two_units_one_input():
    """H = 2, D = 1, with a readout: row r of each worked-example matrix is unit r; column 0 is x."""
    Wf = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    Wi = [[11.0, 12.0, 13.0], [14.0, 15.0, 16.0]]
    Wc = [[21.0, 22.0, 23.0], [24.0, 25.0, 26.0]]
    Wo = [[31.0, 32.0, 33.0], [34.0, 35.0, 36.0]]
    p = LSTMParams.from_concat(
        Wf, Wi, Wc, Wo, bf=[1.0, 2.0], bi=[[3.0], [4.0]], bc=[5.0, 6.0], bo=[[7.0], [8.0]], Wy=[[0.6, 0.4]], by=[[0.1]]
    )
    np.testing.assert_array_equal(p.W_x[:, 0], [11.0, 14.0, 1.0, 4.0, 21.0, 24.0, 31.0, 34.0])
    np.testing.assert_array_equal(
        p.W_h,
        [[12.0, 13.0], [15.0, 16.0], [2.0, 3.0], [5.0, 6.0], [22.0, 23.0], [25.0, 26.0], [32.0, 33.0], [35.0, 36.0]],
    )
    np.testing.assert_array_equal(p.b, [3.0, 4.0, 1.0, 2.0, 5.0, 6.0, 7.0, 8.0])
    np.testing.assert_array_equal(p.gate("f")[0], [[1.0], [4.0]])
    np.testing.assert_array_equal(p.W_y, [[0.6, 0.4]])
    np.testing.assert_array_equal(p.b_y, [0.1])
    assert p.hidden_size == 2 and p.input_size == 1 and p.output_size == 1


def test_from_gates_with_the_scalar_example_dict():
    example = {
        "forget": (0.5, 0.1, 0),
        "input": (0.6, 0.2, 0),
        "cell": (0.7, 0.3, 0),
        "output": (0.8, 0.4, 0),
    }
    p = LSTMParams.from_gates(**example)
    np.testing.assert_array_equal(p.W_x, [[0.6], [0.5], [0.7], [0.8]])
    np.testing.assert_array_equal(p.W_h, [[0.2], [0.1], [0.3], [0.4]])
    np.testing.assert_array_equal(p.b, [0.0, 0.0, 0.0, 0.0])
    assert p.hidden_size == 1 and p.input_size == 1 and not p.has_readout
    with_readout = LSTMParams.from_gates(**example, W_y=4.0, b_y=0.0)
    np.testing.assert_array_equal(with_readout.W_y, [[4.0]])
    np.testing.assert_array_equal(with_readout.b_y, [0.0])


def test_from_gates_with_arrays():
    """H = 2, D = 3 arrays per gate stack in GATES order whatever the keyword order."""
    blocks = {
        word: (np.full((2, 3), n + 0.1), np.full((2, 2), n + 0.2), np.full(2, n + 0.3))
        for n, word in enumerate(("forget", "input", "cell", "output"))
    }
    p = LSTMParams.from_gates(**blocks)
    for name, word in zip(GATES, ("input", "forget", "cell", "output")):
        W_x, W_h, b = p.gate(name)
        np.testing.assert_array_equal(W_x, blocks[word][0])
        np.testing.assert_array_equal(W_h, blocks[word][1])
        np.testing.assert_array_equal(b, blocks[word][2])


def test_from_torch_adds_the_two_biases():
    w_ih = np.arange(8.0).reshape(8, 1)
    w_hh = np.arange(16.0).reshape(8, 2)
    p = LSTMParams.from_torch(w_ih, w_hh, np.full(8, 0.5), np.arange(8.0))
    np.testing.assert_array_equal(p.b, np.arange(8.0) + 0.5)
    np.testing.assert_array_equal(LSTMParams.from_torch(w_ih, w_hh).b, np.zeros(8))
    np.testing.assert_array_equal(LSTMParams.from_torch(w_ih, w_hh, bias_hh=np.ones(8)).b, np.ones(8))
    out = p.to_torch()
    np.testing.assert_array_equal(out["bias_ih"] + out["bias_hh"], p.b)
    out["weight_ih"][0, 0] = 99.0  # to_torch hands out copies
    assert p.W_x[0, 0] == 0.0


def test_random_is_reproducible_and_seed_dependent():
    a = LSTMParams.random(3, 4, output_size=2, seed=7)
    b = LSTMParams.random(3, 4, output_size=2, seed=7)
    c = LSTMParams.random(3, 4, output_size=2, seed=8)
    assert a.arrays().keys() == {"W_x", "W_h", "b", "W_y", "b_y"}
    for name in a.arrays():
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
        assert not np.array_equal(getattr(a, name), getattr(c, name)), name
    assert a.W_x.shape == (16, 3) and a.W_h.shape == (16, 4) and a.b.shape == (16,)
    assert a.W_y.shape == (2, 4) and a.b_y.shape == (2,)
    # uniform in ±1/sqrt(H) = ±0.5
    for name, arr in a.arrays().items():
        assert np.all(np.abs(arr) <= 0.5), name
    assert LSTMParams.random(3, 4).arrays().keys() == {"W_x", "W_h", "b"}
    np.testing.assert_array_equal(LSTMParams.random(1, 1).W_x, LSTMParams.random(1, 1, seed=0).W_x)
    np.testing.assert_array_equal(LSTMParams.random(1, 2, seed=np.int64(3)).W_h, LSTMParams.random(1, 2, seed=3).W_h)


def test_copy_is_deep():
    p = LSTMParams.random(2, 3, output_size=1, seed=1)
    q = p.copy()
    for name, arr in p.arrays().items():
        other = getattr(q, name)
        np.testing.assert_array_equal(other, arr, err_msg=name)
        assert not np.shares_memory(other, arr), name
        other[...] = 123.0
        assert not np.any(arr == 123.0), name


def test_zeros_like_and_sizes():
    p = LSTMParams.random(2, 3, output_size=4, seed=1)
    z = p.zeros_like()
    for name, arr in p.arrays().items():
        assert getattr(z, name).shape == arr.shape and not np.any(getattr(z, name)), name
    assert (p.input_size, p.hidden_size, p.output_size, p.has_readout) == (2, 3, 4, True)
    assert repr(p) == "LSTMParams(D=2, H=3, O=4)"
    bare = LSTMParams.random(5, 1)
    assert bare.output_size is None and not bare.has_readout
    assert repr(bare) == "LSTMParams(D=5, H=1)"


def test_readout_bias_defaults_to_zero():
    p = LSTMParams(W_x=np.zeros((4, 1)), W_h=np.zeros((4, 1)), b=np.zeros(4), W_y=[[2.0], [3.0]])
    np.testing.assert_array_equal(p.b_y, [0.0, 0.0])
