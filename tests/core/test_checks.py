"""Bad input gives a clear ValueError / TypeError (or IndexError) that names what was wrong.

Each case asserts the exception type and a fragment of its message; shape errors name the
argument, the shape expected and the shape received.
"""

import re

import numpy as np
import pytest

from lstm_core import LSTMParams, backward, forward, step
from lstm_core.readout import readout_backward

H, D, T = 2, 1, 3


def params(**extra):
    """H = 2, D = 1, readout O = 1; the numbers do not matter here."""
    base = dict(W_x=np.full((4 * H, D), 0.1), W_h=np.full((4 * H, H), 0.2), b=np.zeros(4 * H))
    base.update(extra)
    return LSTMParams(**base)


def good_trace(batched=False):
    p = params(W_y=np.ones((1, H)), b_y=np.zeros(1))
    xs = np.ones((T, 3, D)) if batched else np.ones((T, D))
    return p, forward(p, xs)


def m(text):
    """A literal message fragment for pytest.raises(match=...)."""
    return re.escape(text)


BAD = [
    # ---- parameter shapes: the argument, the expected shape, the shape given
    pytest.param(
        lambda: params(W_x=np.zeros((7, 1))), ValueError, m("W_x: expected shape (8, any), got (7, 1)"), id="W_x-rows"
    ),
    pytest.param(lambda: params(W_x=np.zeros(8)), ValueError, m("W_x: expected shape (8, any), got (8,)"), id="W_x-1d"),
    pytest.param(
        lambda: params(W_h=np.zeros((8, 3))), ValueError, m("W_h: expected shape (4H, H), got (8, 3)"), id="W_h"
    ),
    pytest.param(lambda: params(b=np.zeros(7)), ValueError, m("b: expected shape (8,), got (7,)"), id="b"),
    pytest.param(
        lambda: params(W_y=np.zeros((1, 3))), ValueError, m("W_y: expected shape (any, 2), got (1, 3)"), id="W_y"
    ),
    pytest.param(
        lambda: params(W_y=np.zeros((1, 2)), b_y=np.zeros(2)),
        ValueError,
        m("b_y: expected shape (1,), got (2,)"),
        id="b_y",
    ),
    pytest.param(lambda: params(b_y=np.zeros(1)), ValueError, m("b_y: given without W_y"), id="b_y-without-W_y"),
    # ---- sequence and state shapes
    pytest.param(
        lambda: forward(params(), np.zeros((T, 2))), ValueError, m("xs: expected shape (3, 1), got (3, 2)"), id="xs"
    ),
    pytest.param(
        lambda: forward(params(), np.zeros((T, 2, 2, 1))),
        ValueError,
        m("xs: expected shape (T, 1) or (T, B, 1), got (3, 2, 2, 1)"),
        id="xs-4d",
    ),
    pytest.param(
        lambda: forward(params(), np.zeros((T, 1)), h0=np.zeros(3)),
        ValueError,
        m("h0: expected shape (2,), got (3,)"),
        id="h0",
    ),
    pytest.param(
        lambda: forward(params(), np.zeros((T, 4, 1)), c0=np.zeros((3, 2))),
        ValueError,
        m("c0: expected shape (4, 2), got (3, 2)"),
        id="c0-batched",
    ),
    pytest.param(
        lambda: forward(params(), np.zeros((T, 1)), c0=np.zeros((1, 2))),
        ValueError,
        m("c0: expected shape (2,), got (1, 2)"),
        id="c0-unbatched",
    ),
    pytest.param(
        lambda: backward(*good_trace(), dh=np.zeros((T, 3))),
        ValueError,
        m("dh: expected shape (3, 2), got (3, 3)"),
        id="dh",
    ),
    pytest.param(
        lambda: backward(*good_trace(batched=True), dh=np.zeros((T, 2))),
        ValueError,
        m("dh: expected shape (3, 3, 2), got (3, 2)"),
        id="dh-batched",
    ),
    pytest.param(
        lambda: backward(*good_trace(), dh=np.zeros((T, 2)), dc_last=np.zeros(3)),
        ValueError,
        m("dc_last: expected shape (2,), got (3,)"),
        id="dc_last",
    ),
    pytest.param(
        lambda: readout_backward(*good_trace(), dy=np.zeros((T, 2))),
        ValueError,
        m("dy: expected shape (3, 1), got (3, 2)"),
        id="dy",
    ),
    pytest.param(lambda: step(params(), np.zeros(2)), ValueError, m("x: expected shape (1,), got (2,)"), id="step-x"),
    pytest.param(
        lambda: step(params(), np.zeros((2, 2, 1))),
        ValueError,
        m("x: expected shape (1,) or (B, 1), got (2, 2, 1)"),
        id="step-x-3d",
    ),
    pytest.param(
        lambda: step(params(), np.zeros(1), h=np.zeros(3)),
        ValueError,
        m("h: expected shape (2,), got (3,)"),
        id="step-h",
    ),
    pytest.param(
        lambda: step(params(), np.zeros((4, 1)), c=np.zeros(2)),
        ValueError,
        m("c: expected shape (4, 2), got (2,)"),
        id="step-c",
    ),
    # ---- values that are not finite real numbers
    pytest.param(
        lambda: params(W_h=np.full((8, 2), np.nan)), ValueError, m("W_h: contains NaN or inf"), id="nan-weights"
    ),
    pytest.param(
        lambda: params(b=[0, 0, 0, np.nan, 0, 0, 0, 0]), ValueError, m("b: contains NaN or inf"), id="nan-bias-list"
    ),
    pytest.param(
        lambda: forward(params(), [[1.0], [np.inf], [2.0]]), ValueError, m("xs: contains NaN or inf"), id="inf-xs"
    ),
    pytest.param(
        lambda: step(params(), [-np.inf]), ValueError, m("x: contains NaN or inf"), id="inf-step-x"
    ),
    pytest.param(
        lambda: forward(params(), np.zeros((T, 1)), h0=[np.inf, 0.0]),
        ValueError,
        m("h0: contains NaN or inf"),
        id="inf-h0",
    ),
    pytest.param(
        lambda: forward(params(), np.zeros((0, 1))), ValueError, m("xs: the sequence is empty (T = 0)"), id="empty"
    ),
    pytest.param(lambda: forward(params(), []), ValueError, m("xs: the sequence is empty (T = 0)"), id="empty-list"),
    pytest.param(
        lambda: forward(params(), np.zeros((T, 0, 1))), ValueError, m("xs: the batch is empty (B = 0)"), id="empty-batch"
    ),
    pytest.param(lambda: forward(params(), "1 2 3"), TypeError, m("xs: expected numbers, got a string"), id="str-xs"),
    pytest.param(
        lambda: forward(params(), ["1", "2", "3"]), TypeError, m("xs: expected numbers, got text"), id="str-list-xs"
    ),
    pytest.param(
        lambda: forward(params(), np.array([[1.0], [2.0, 3.0]], dtype=object)),
        TypeError,
        m("xs: expected numbers, got an object array"),
        id="object-array",
    ),
    pytest.param(
        lambda: forward(params(), [1.0, None, 3.0]),
        TypeError,
        m("xs: expected numbers, got an object array"),
        id="none-inside",
    ),
    pytest.param(
        lambda: forward(params(), [[1.0], [2.0, 3.0]]),
        ValueError,
        m("xs: could not be read as a regular array"),
        id="ragged-list",
    ),
    pytest.param(
        lambda: forward(params(), np.array([1, 2, 3], dtype=complex)),
        TypeError,
        m("xs: expected real numbers, got complex"),
        id="complex-xs",
    ),
    pytest.param(
        lambda: params(W_x=np.full((8, 1), 1 + 2j)), TypeError, m("W_x: expected real numbers, got complex"), id="complex-W"
    ),
    # ---- random: sizes and seeds are whole numbers
    pytest.param(
        lambda: LSTMParams.random(1, 2, seed=True), TypeError, m("seed: expected a whole number, got True"), id="seed-bool"
    ),
    pytest.param(
        lambda: LSTMParams.random(1, 2, seed="7"), TypeError, m("seed: expected a whole number, got '7'"), id="seed-str"
    ),
    pytest.param(
        lambda: LSTMParams.random(1, 2, seed=1.5), TypeError, m("seed: expected a whole number, got 1.5"), id="seed-float"
    ),
    pytest.param(
        lambda: LSTMParams.random(1, 2, seed=-1), ValueError, m("seed: expected at least 0, got -1"), id="seed-negative"
    ),
    pytest.param(
        lambda: LSTMParams.random(1, 0), ValueError, m("hidden_size: expected at least 1, got 0"), id="hidden-size-0"
    ),
    pytest.param(
        lambda: LSTMParams.random(2.0, 2), TypeError, m("input_size: expected a whole number, got 2.0"), id="input-size"
    ),
    # ---- layouts
    pytest.param(
        lambda: LSTMParams.from_concat(
            Wf=np.zeros((2, 3)), Wi=np.zeros((2, 4)), Wc=np.zeros((2, 3)), Wo=np.zeros((2, 3)),
            bf=np.zeros(2), bi=np.zeros(2), bc=np.zeros(2), bo=np.zeros(2),
        ),
        ValueError,
        m("Wi: expected shape (2, 3), got (2, 4)"),
        id="from_concat-Wi",
    ),
    pytest.param(
        lambda: LSTMParams.from_concat(
            Wf=np.zeros((2, 2)), Wi=np.zeros((2, 2)), Wc=np.zeros((2, 2)), Wo=np.zeros((2, 2)),
            bf=np.zeros(2), bi=np.zeros(2), bc=np.zeros(2), bo=np.zeros(2),
        ),
        ValueError,
        m("Wf: expected shape (H, D+H) with D >= 1, got (2, 2)"),
        id="from_concat-no-x-column",
    ),
    pytest.param(
        lambda: LSTMParams.from_concat(
            Wf=np.zeros((2, 3)), Wi=np.zeros((2, 3)), Wc=np.zeros((2, 3)), Wo=np.zeros((2, 3)),
            bf=np.zeros(2), bi=np.zeros(2), bc=np.zeros((3, 1)), bo=np.zeros(2),
        ),
        ValueError,
        m("bc: expected shape (2,), got (3, 1)"),
        id="from_concat-bc",
    ),
    pytest.param(
        lambda: LSTMParams.from_gates(forget=(0.5, 0.1), input=(0.6, 0.2, 0), cell=(0.7, 0.3, 0), output=(0.8, 0.4, 0)),
        ValueError,
        m("forget: expected a triple (W_x, W_h, b), got (0.5, 0.1)"),
        id="from_gates-pair",
    ),
    pytest.param(
        lambda: LSTMParams.from_gates(forget=(0.5, 0.1, 0), input=0.6, cell=(0.7, 0.3, 0), output=(0.8, 0.4, 0)),
        ValueError,
        m("input: expected a triple (W_x, W_h, b), got 0.6"),
        id="from_gates-scalar",
    ),
    pytest.param(
        lambda: LSTMParams.from_torch(np.zeros((8, 1)), np.zeros((8, 2)), np.zeros(7)),
        ValueError,
        m("bias_ih: expected shape (8,), got (7,)"),
        id="from_torch-bias",
    ),
    pytest.param(
        lambda: LSTMParams.from_keras(np.zeros((1, 8)), np.zeros((2, 6)), np.zeros(8)),
        ValueError,
        m("recurrent_kernel: expected shape (2, 8), got (2, 6)"),
        id="from_keras-recurrent",
    ),
    pytest.param(
        lambda: LSTMParams.from_keras(np.zeros((8, 1)), np.zeros((2, 8)), np.zeros(8)),
        ValueError,
        m("kernel: expected shape (any, 8), got (8, 1)"),
        id="from_keras-kernel-untransposed",
    ),
    pytest.param(lambda: params().gate("z"), ValueError, m("gate: expected one of ('i', 'f', 'g', 'o'), got 'z'"), id="gate-z"),
    pytest.param(lambda: params().gate("c"), ValueError, m("got 'c'"), id="gate-c"),
    # ---- trace.at out of range
    pytest.param(lambda: good_trace()[1].at(3), IndexError, m("t: expected 0 <= t < 3, got 3"), id="at-3"),
    pytest.param(lambda: good_trace()[1].at(-4), IndexError, m("t: expected 0 <= t < 3, got -4"), id="at-minus-4"),
]


@pytest.mark.parametrize("call, error, fragment", BAD)
def test_bad_input_is_refused_clearly(call, error, fragment):
    with pytest.raises(error, match=fragment) as info:
        call()
    # the exact type: not a subclass that happens to match (e.g. numpy's AxisError)
    assert type(info.value) is error


def test_enough_distinct_bad_cases():
    assert len(BAD) >= 15
    assert len({p.id for p in BAD}) == len(BAD)


# --------------------------------------------------------------- friendly input is accepted


def test_python_ints_and_lists_become_float64():
    ints = LSTMParams(
        W_x=[[1], [0], [-1], [2], [1], [1], [0], [-2]],
        W_h=[[0, 1], [1, 0], [1, 1], [0, 0], [-1, 0], [0, -1], [1, -1], [2, 0]],
        b=[0, 1, 0, -1, 1, 0, 0, 1],
    )
    floats = LSTMParams(W_x=np.array(ints.W_x, float), W_h=np.array(ints.W_h, float), b=np.array(ints.b, float))
    for name, arr in ints.arrays().items():
        assert arr.dtype == np.float64, name
    t_int = forward(ints, [1, 2, 3], h0=[0, 1], c0=[1, 0])
    t_float = forward(floats, np.array([[1.0], [2.0], [3.0]]), h0=np.array([0.0, 1.0]), c0=np.array([1.0, 0.0]))
    for q in ("i", "f", "g", "o", "c", "h"):
        got = getattr(t_int, q)
        assert got.dtype == np.float64, q
        np.testing.assert_array_equal(got, getattr(t_float, q), err_msg=q)
    # one step on a Python int (D = 1) equals the first forward step
    h1, c1, _ = step(ints, 1, h=[0, 1], c=[1, 0])
    assert h1.dtype == np.float64 and c1.dtype == np.float64
    np.testing.assert_allclose(h1, t_float.h[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(c1, t_float.c[0], rtol=0, atol=1e-12)
    # and backward takes a list too
    grads, dxs, dh0, dc0 = backward(ints, t_int, dh=[[1, 0], [0, 1], [1, 1]])
    assert dxs.dtype == np.float64 and grads.W_x.dtype == np.float64


def test_float32_and_int_arrays_are_upcast():
    p32 = LSTMParams(
        W_x=np.full((8, 1), 0.25, np.float32), W_h=np.full((8, 2), 0.5, np.float32), b=np.zeros(8, np.int64)
    )
    assert p32.W_x.dtype == p32.W_h.dtype == p32.b.dtype == np.float64
    trace = forward(p32, np.arange(3, dtype=np.int32))
    assert trace.h.dtype == np.float64


def test_readout_backward_without_a_readout_says_so():
    from lstm_core.readout import readout_backward

    params = LSTMParams.random(1, 2, seed=3)
    trace = forward(params, [1.0, 2.0])
    with pytest.raises(ValueError, match="no readout"):
        readout_backward(params, trace, np.zeros((2, 1)))


def test_hidden_size_zero_is_rejected():
    with pytest.raises(ValueError, match=r"W_h: expected at least one hidden unit \(H >= 1\)"):
        LSTMParams(W_x=np.zeros((0, 1)), W_h=np.zeros((0, 0)), b=np.zeros(0))
