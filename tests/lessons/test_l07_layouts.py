"""lstm_core.lessons.l07_layouts: the layout table, the exports to PyTorch and Keras, the stored reference, the torch check.

Expected layouts are built here block by block from the frameworks' documented orders, not from
the module's own output. The live PyTorch path runs only where torch can be imported; elsewhere
those tests are skipped (torch is never a dependency of the suite).
"""

import importlib.util
import os
import re
from pathlib import Path

import numpy as np
import pytest

from lstm_core import GATES, LSTMParams, forward
from lstm_core.lessons import l07_layouts as bridge
from lstm_core.examples import vector_example

ROOT = Path(__file__).resolve().parents[2]
NPZ = ROOT / "lstm_core" / "data" / "torch_lstm.npz"
RELATIVE_NPZ = "../lstm_core/data/torch_lstm.npz"  # a path given by hand, from notebooks/
HAS_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed (optional; the suite never needs it)")

with np.load(NPZ, allow_pickle=False) as _z:
    CASES = [str(c) for c in _z["cases"]]


def block(arr, k, H, axis):
    """Gate block k (0-based) of a stacked array, along ``axis``."""
    return np.take(arr, np.arange(k * H, (k + 1) * H), axis=axis)


# ------------------------------------------------------------------------- shapes by symbol


@pytest.mark.parametrize("shape, text", [((8, 3), "(4H, D)"), ((3, 8), "(D, 4H)"), ((8,), "(4H,)"),
                                         ((2, 8), "(H, 4H)"), ((5, 2), "(O, H)"), ((5,), "(O,)")])
def test_symbolic_shape_names_each_size(shape, text):
    assert bridge.symbolic_shape(shape, D=3, H=2, O=5) == text


def test_symbolic_shape_refuses_sizes_it_cannot_tell_apart():
    with pytest.raises(ValueError, match="must differ"):
        bridge.symbolic_shape((4, 1), D=1, H=1, O=1)
    with pytest.raises(ValueError, match="none of"):
        bridge.symbolic_shape((7, 3), D=3, H=2, O=5)


def test_block_axis():
    assert bridge.block_axis(np.zeros((8, 3)), 2) == "rows"
    assert bridge.block_axis(np.zeros((3, 8)), 2) == "columns"
    with pytest.raises(ValueError, match="exactly one axis"):
        bridge.block_axis(np.zeros((8, 8)), 2)


# ----------------------------------------------------------------------------- layout table


def test_layout_table_states_the_documented_layouts():
    rows = {r[0]: r[1:] for r in bridge.layout_table()}
    assert rows["what"] == ("this suite", "PyTorch nn.LSTM", "Keras LSTM")
    assert rows["gate order"] == ("i, f, g, o", "i, f, g, o", "i, f, c, o")
    assert rows["input weights"] == ("W_x (4H, D)", "weight_ih_l0 (4H, D)", "kernel (D, 4H)")
    assert rows["recurrent weights"] == ("W_h (4H, H)", "weight_hh_l0 (4H, H)", "recurrent_kernel (H, 4H)")
    assert rows["bias"] == ("b (4H,)", "bias_ih_l0 (4H,) + bias_hh_l0 (4H,)", "bias (4H,)")
    assert rows["gate blocks run along"] == ("rows", "rows", "columns")
    assert rows["readout"] == ("W_y (O, H), b_y (O,)", "Linear: weight (O, H), bias (O,)",
                               "Dense: kernel (H, O), bias (O,)")
    assert all(len(r) == 4 and all(isinstance(s, str) for s in r) for r in bridge.layout_table())


def test_the_table_follows_the_code_not_a_copy_of_it(monkeypatch):
    """The table is read off the exports: change an export and the table changes with it."""
    monkeypatch.setattr(LSTMParams, "to_keras", lambda self: {"kernel": self.W_x, "recurrent_kernel": self.W_h,
                                                              "bias": self.b})
    rows = {r[0]: r[1:] for r in bridge.layout_table()}
    assert rows["input weights"][2] == "kernel (4H, D)"
    assert rows["gate blocks run along"][2] == "rows"


def test_the_gate_orders_agree_where_they_should():
    assert bridge.TORCH_GATES == GATES
    assert tuple(bridge.KERAS_TO_SUITE[k] for k in bridge.KERAS_GATES) == GATES


# ----------------------------------------------------------------------------------- exports


def test_torch_lstm_state_is_nn_lstm_layer_0():
    params, _ = vector_example()
    state = bridge.torch_lstm_state(params)
    assert set(state) == {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"}
    H = params.hidden_size
    for k, gate in enumerate(("i", "f", "g", "o")):  # PyTorch's documented row blocks
        W_x, W_h, b = params.gate(gate)
        np.testing.assert_array_equal(block(state["weight_ih_l0"], k, H, 0), W_x)
        np.testing.assert_array_equal(block(state["weight_hh_l0"], k, H, 0), W_h)
        np.testing.assert_array_equal(block(state["bias_ih_l0"], k, H, 0), b)
    np.testing.assert_array_equal(state["bias_hh_l0"], np.zeros(4 * H))
    back = LSTMParams.from_torch(*(state[f"{n}_l0"] for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")))
    for n in ("W_x", "W_h", "b"):
        np.testing.assert_array_equal(getattr(back, n), getattr(params, n))


def test_keras_lstm_weights_block_by_block():
    params = LSTMParams.random(3, 2, seed=4)
    kernel, recurrent, bias = bridge.keras_lstm_weights(params)
    H = 2
    assert kernel.shape == (3, 8) and recurrent.shape == (2, 8) and bias.shape == (8,)
    for k, letter in enumerate(("i", "f", "c", "o")):  # Keras's documented column blocks
        W_x, W_h, b = params.gate({"c": "g"}.get(letter, letter))
        np.testing.assert_array_equal(block(kernel, k, H, 1), W_x.T)
        np.testing.assert_array_equal(block(recurrent, k, H, 1), W_h.T)
        np.testing.assert_array_equal(block(bias, k, H, 0), b)
    back = LSTMParams.from_keras(kernel, recurrent, bias)
    for n in ("W_x", "W_h", "b"):
        np.testing.assert_array_equal(getattr(back, n), getattr(params, n))


def test_readout_exports():
    params, xs = vector_example()
    linear = bridge.torch_linear_state(params)
    kernel, bias = bridge.keras_dense_weights(params)
    np.testing.assert_array_equal(linear["weight"], params.W_y)
    np.testing.assert_array_equal(linear["bias"], params.b_y)
    assert kernel.shape == (2, 1) and bias.shape == (1,)
    # Dense computes h K + b: the readout of the last step, by hand
    h_T = forward(params, xs).h[-1]
    assert float(h_T @ kernel[:, 0] + bias[0]) == pytest.approx(float(forward(params, xs).prediction[0]), abs=1e-15)
    no_readout = LSTMParams.random(1, 2)
    for export in (bridge.torch_linear_state, bridge.keras_dense_weights):
        with pytest.raises(ValueError, match="no readout"):
            export(no_readout)


@pytest.mark.parametrize("H", [1, 2, 5])
def test_keras_column_by_hand(H):
    params = LSTMParams.random(1, H, seed=H)
    kernel = params.to_keras()["kernel"]  # (1, 4H)
    for gate in GATES:
        keras_letter = {"g": "c"}.get(gate, gate)
        for unit in range(H):
            col = bridge.keras_column(gate, unit, H)
            assert col == bridge.KERAS_GATES.index(keras_letter) * H + unit
            assert kernel[0, col] == params.gate(gate)[0][unit, 0]


def test_keras_column_rejects_bad_input():
    with pytest.raises(ValueError, match="gate"):
        bridge.keras_column("c", 0, 2)  # Keras's letter, not the suite's
    with pytest.raises(ValueError, match="unit"):
        bridge.keras_column("f", 2, 2)


# ---------------------------------------------------------------------- stored reference


def test_load_torch_reference():
    ref = bridge.load_torch_reference("case3")
    assert bridge.reference_sizes(ref) == (3, 2, 7, 3)
    assert ref["torch_version"].startswith("2.")
    assert ref["weight_ih"].shape == (8, 3) and ref["xs"].shape == (7, 3, 3)
    with np.load(NPZ, allow_pickle=False) as z:
        np.testing.assert_array_equal(ref["grad_weight_ih"], z["case3/grad_weight_ih"])
    assert bridge.reference_sizes(bridge.load_torch_reference("case2", NPZ)) == (3, 5, 20, None)
    with pytest.raises(ValueError, match="case9"):
        bridge.load_torch_reference("case9")


def test_the_reference_is_package_data_found_from_any_working_directory(tmp_path, monkeypatch):
    """The browser tests and Binder run the notebooks elsewhere: the copy inside the package is used."""
    monkeypatch.chdir(tmp_path)
    assert bridge.REFERENCE_FILE == NPZ
    assert bridge.reference_sizes(bridge.load_torch_reference("case0")) == (1, 1, 3, None)
    assert bridge.reference_sizes(bridge.load_torch_reference("case3", NPZ)) == (3, 2, 7, 3)


def test_a_path_that_is_not_there_says_so_with_no_path_of_this_machine(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    with pytest.raises(FileNotFoundError) as info:
        bridge.load_torch_reference("case3", RELATIVE_NPZ)
    message = str(info.value)
    assert message.startswith(RELATIVE_NPZ + ": no such file")
    assert str(tmp_path) not in message and os.getcwd() not in message
    assert not re.search(r"/(tmp|root|home|work|Users)/", message), message


@pytest.mark.parametrize("case", CASES)
def test_every_reference_case_is_reproduced(case):
    ref = bridge.load_torch_reference(case, NPZ)
    comparisons = bridge.reproduce_reference(ref)
    assert [c.theirs for c in comparisons] == ["h", "c", "gates_i", "gates_f", "gates_g", "gates_o",
                                               "grad_weight_ih", "grad_weight_hh", "grad_bias_ih",
                                               "grad_bias_hh", "grad_xs", "grad_h0", "grad_c0"]
    for c in comparisons:
        assert c.shape == ref[c.theirs].shape
        assert c.agrees, (case, c)


def test_a_wrong_import_shows_up_in_the_comparison():
    """Only bias_ih (bias_hh forgotten), and f and g swapped: the checks must turn False."""
    ref = bridge.load_torch_reference("case3", NPZ)
    H = 2
    half = LSTMParams.from_torch(ref["weight_ih"], ref["weight_hh"], ref["bias_ih"])
    assert not any(c.agrees for c in bridge.reproduce_reference(ref, half) if c.theirs in ("h", "c"))
    swap = np.r_[0:H, 2 * H : 3 * H, H : 2 * H, 3 * H : 4 * H]  # rows i, g, f, o
    swapped = LSTMParams.from_torch(ref["weight_ih"][swap], ref["weight_hh"][swap],
                                    ref["bias_ih"][swap], ref["bias_hh"][swap])
    out = {c.theirs: c for c in bridge.reproduce_reference(ref, swapped)}
    assert not out["h"].agrees and not out["gates_f"].agrees


def test_only_the_sum_of_the_two_biases_matters():
    ref = bridge.load_torch_reference("case1", NPZ)
    total = ref["bias_ih"] + ref["bias_hh"]
    for b_ih, b_hh in ((total, np.zeros_like(total)), (np.zeros_like(total), total), (total - 7.0, np.full_like(total, 7.0))):
        params = LSTMParams.from_torch(ref["weight_ih"], ref["weight_hh"], b_ih, b_hh)
        assert all(c.agrees for c in bridge.reproduce_reference(ref, params))
    # and the reference itself: PyTorch gave both biases the same gradient
    np.testing.assert_array_equal(ref["grad_bias_ih"], ref["grad_bias_hh"])


def test_max_abs_difference():
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    b = a.copy()
    b[1, 0] -= 0.25
    assert bridge.max_abs_difference(a, b) == 0.25
    with pytest.raises(ValueError, match="shapes differ"):
        bridge.max_abs_difference(a, a.T[:1])
    assert bridge.Comparison("h", "h", (2, 2), 9e-11).agrees
    assert not bridge.Comparison("h", "h", (2, 2), 2e-10).agrees


# --------------------------------------------------------------------------- live PyTorch


def test_torch_available_tells_the_truth():
    assert bridge.torch_available() == HAS_TORCH


def test_without_torch_the_check_says_it_is_skipped(monkeypatch):
    monkeypatch.setattr(bridge, "torch_available", lambda: False)
    params, xs = vector_example()
    assert bridge.pytorch_check(params, xs) == bridge.SKIPPED
    assert "not installed" in bridge.SKIPPED and "skipped" in bridge.SKIPPED


def test_importing_bridge_does_not_import_torch():
    import subprocess
    import sys

    code = "import lstm_core.lessons.l07_layouts, sys; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


@needs_torch
@pytest.mark.parametrize("case", CASES)
def test_torch_lstm_forward_reproduces_the_reference(case):
    ref = bridge.load_torch_reference(case, NPZ)
    params = LSTMParams.from_torch(ref["weight_ih"], ref["weight_hh"], ref["bias_ih"], ref["bias_hh"])
    h, c_T, y = bridge.torch_lstm_forward(params, ref["xs"], ref["h0"], ref["c0"])
    assert y is None
    assert h.shape == ref["h"].shape and c_T.shape == ref["c"][-1].shape
    np.testing.assert_allclose(h, ref["h"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(c_T, ref["c"][-1], rtol=0, atol=1e-10)


@needs_torch
def test_torch_lstm_forward_with_a_readout_and_a_batch():
    params = LSTMParams.random(2, 3, 2, seed=7)
    xs = np.random.default_rng(7).normal(size=(6, 4, 2))  # (T, B, D)
    h, c_T, y = bridge.torch_lstm_forward(params, xs)
    trace = forward(params, xs)
    assert h.shape == (6, 4, 3) and c_T.shape == (4, 3) and y.shape == (6, 4, 2)
    np.testing.assert_allclose(h, trace.h, rtol=0, atol=1e-10)
    np.testing.assert_allclose(c_T, trace.c[-1], rtol=0, atol=1e-10)
    # the readout by hand
    np.testing.assert_allclose(y, np.einsum("tbh,oh->tbo", trace.h, params.W_y) + params.b_y, rtol=0, atol=1e-10)


@needs_torch
def test_pytorch_check_with_torch():
    params, xs = vector_example()
    assert bridge.pytorch_check(params, xs) == (
        "PyTorch (torch.nn.LSTM, float64) agrees with lstm_core to 1e-10: h True, c_T True, y True")
    wrong = params.copy()
    wrong.b[:] += 1.0
    h, _, _ = bridge.torch_lstm_forward(wrong, xs)
    assert np.max(np.abs(h - forward(params, xs).h)) > 1e-3


def test_the_check_reports_a_disagreement(monkeypatch):
    """The sentence with a stand-in for torch whose h is off by 1e-6: it must say False for h (no torch needed)."""
    params, xs = vector_example()
    trace = forward(params, xs)
    monkeypatch.setattr(bridge, "torch_available", lambda: True)
    monkeypatch.setattr(bridge, "torch_lstm_forward", lambda p, x, h0=None, c0=None: (trace.h + 1e-6, trace.c[-1],
                                                                                      trace.y))
    assert bridge.pytorch_check(params, xs).endswith("h False, c_T True, y True")
