"""lstm_core against PyTorch's LSTMCell, from the stored reference lstm_core/data/torch_lstm.npz.

See tests/reference/README.md for the cases and keys. Tolerance: every array agrees with
torch's to 1e-10 in absolute terms, elementwise (assert_allclose with rtol=0, atol=1e-10).
"""

from pathlib import Path

import numpy as np
import pytest

from lstm_core import GATES, LSTMParams, backward, forward

from helpers.torch_reference import StoredReference, sizes

NPZ = Path(__file__).resolve().parents[2] / "lstm_core" / "data" / "torch_lstm.npz"
TOL = dict(rtol=0, atol=1e-10)


STORED = StoredReference(NPZ)
DATA = STORED.data
CASES = STORED.cases
case = STORED.case


def run(ref):
    params = LSTMParams.from_torch(ref["weight_ih"], ref["weight_hh"], ref["bias_ih"], ref["bias_hh"])
    trace = forward(params, ref["xs"], ref["h0"], ref["c0"])
    return params, trace


def test_reference_file_is_there():
    assert len(CASES) >= 8
    assert str(DATA["torch_version"][0]).startswith("2.")
    for name in CASES:
        assert DATA[f"{name}/weight_ih"].dtype == np.float64


@pytest.mark.parametrize("name", CASES)
def test_forward_matches_torch(name):
    ref = case(name)
    _, trace = run(ref)
    for q in ("h", "c"):
        assert getattr(trace, q).shape == ref[q].shape
        np.testing.assert_allclose(getattr(trace, q), ref[q], **TOL, err_msg=q)
    for k in GATES:
        assert getattr(trace, k).shape == ref[f"gates_{k}"].shape
        np.testing.assert_allclose(getattr(trace, k), ref[f"gates_{k}"], **TOL, err_msg=k)


@pytest.mark.parametrize("name", CASES)
def test_backward_matches_torch(name):
    ref = case(name)
    params, trace = run(ref)
    grads, dxs, dh0, dc0 = backward(params, trace, dh=ref["R"])
    # torch adds bias_ih and bias_hh into one pre-activation, so both get dL/db
    np.testing.assert_array_equal(ref["grad_bias_ih"], ref["grad_bias_hh"])
    got = grads.to_torch()
    for key in ("weight_ih", "weight_hh", "bias_ih"):
        assert got[key].shape == ref[f"grad_{key}"].shape
        np.testing.assert_allclose(got[key], ref[f"grad_{key}"], **TOL, err_msg=key)
    np.testing.assert_allclose(grads.b, ref["grad_bias_hh"], **TOL)
    for got_arr, key in ((dxs, "grad_xs"), (dh0, "grad_h0"), (dc0, "grad_c0")):
        assert got_arr.shape == ref[key].shape, key
        np.testing.assert_allclose(got_arr, ref[key], **TOL, err_msg=key)


def test_cases_cover_what_the_tests_need():
    seen = [sizes(case(name)) for name in CASES]
    assert {D for D, _, _, _ in seen} >= {1, 3}
    assert {H for _, H, _, _ in seen} >= {1, 2, 5}
    assert any(B is None for *_, B in seen), "no unbatched case"
    assert any(B is not None and B > 1 for *_, B in seen), "no batched case"
    assert any(T > 1 for _, _, T, _ in seen)
    for name in CASES:
        ref = case(name)
        D, H, T, B = sizes(ref)
        b = ref["bias_ih"] + ref["bias_hh"]
        blocks = [b[k * H : (k + 1) * H] for k in range(4)]
        for j in range(4):
            assert np.all(blocks[j] != 0), f"{name}: a zero bias in gate {GATES[j]}"
            for k in range(j + 1, 4):
                assert not np.allclose(blocks[j], blocks[k]), f"{name}: gates {GATES[j]}, {GATES[k]} share a bias"
        for key in ("h0", "c0"):
            assert np.all(ref[key] != 0), f"{name}: {key} has zeros"
            assert ref[key].shape == ((H,) if B is None else (B, H))
        assert ref["xs"].shape == ((T, D) if B is None else (T, B, D))


# ---------------------------------------------------------------------------- Keras layout


def keras_by_hand(ref):
    """A Keras LSTM (kernel, recurrent_kernel, bias) from torch's arrays, built block by block.

    torch stacks row blocks i, f, g, o of (4H, D); Keras stacks column blocks i, f, c, o of
    (D, 4H), with Keras's c being torch's g; Keras has a single bias.
    """
    H = ref["weight_hh"].shape[1]
    torch_block = {name: slice(n * H, (n + 1) * H) for n, name in enumerate(("i", "f", "g", "o"))}
    keras_order = ("i", "f", "c", "o")
    to_torch_name = {"i": "i", "f": "f", "c": "g", "o": "o"}
    b = ref["bias_ih"] + ref["bias_hh"]
    kernel = np.concatenate([ref["weight_ih"][torch_block[to_torch_name[k]]].T for k in keras_order], axis=1)
    recurrent = np.concatenate([ref["weight_hh"][torch_block[to_torch_name[k]]].T for k in keras_order], axis=1)
    bias = np.concatenate([b[torch_block[to_torch_name[k]]] for k in keras_order])
    return kernel, recurrent, bias


@pytest.mark.parametrize("name", CASES)
def test_keras_round_trip(name):
    ref = case(name)
    params, _ = run(ref)
    back = LSTMParams.from_keras(**params.to_keras())
    for key in ("W_x", "W_h", "b"):
        np.testing.assert_array_equal(getattr(back, key), getattr(params, key), err_msg=key)


@pytest.mark.parametrize("name", CASES)
def test_keras_kernel_built_by_hand_loads_like_torch(name):
    ref = case(name)
    D, H, _, _ = sizes(ref)
    kernel, recurrent, bias = keras_by_hand(ref)
    assert kernel.shape == (D, 4 * H) and recurrent.shape == (H, 4 * H) and bias.shape == (4 * H,)
    from_keras = LSTMParams.from_keras(kernel, recurrent, bias)
    from_torch = LSTMParams.from_torch(ref["weight_ih"], ref["weight_hh"], ref["bias_ih"], ref["bias_hh"])
    for key in ("W_x", "W_h", "b"):
        np.testing.assert_array_equal(getattr(from_keras, key), getattr(from_torch, key), err_msg=key)
    # and to_keras gives back the hand-built layout
    out = from_torch.to_keras()
    np.testing.assert_array_equal(out["kernel"], kernel)
    np.testing.assert_array_equal(out["recurrent_kernel"], recurrent)
    np.testing.assert_array_equal(out["bias"], bias)
    # the Keras-loaded cell reproduces torch's hidden states
    trace = forward(from_keras, ref["xs"], ref["h0"], ref["c0"])
    np.testing.assert_allclose(trace.h, ref["h"], **TOL)
