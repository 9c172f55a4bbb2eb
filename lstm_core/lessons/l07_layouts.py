"""From this suite's layout to PyTorch's and Keras's: the layout table, the stored PyTorch reference, the checks.

numpy only. torch is imported lazily, inside ``torch_lstm_forward`` alone, and never required:
``torch_available()`` says whether it can run, ``pytorch_check`` says so in a sentence.

Notation
--------
H hidden size, D input size, O readout size, T steps, B sequences.
Gate blocks: block k holds gate k of the framework's own order, units 0 .. H-1.

- this suite:      W_x (4H, D), W_h (4H, H), b (4H,); rows k·H:(k+1)·H are gate GATES[k] (i, f, g, o)
- PyTorch nn.LSTM: weight_ih_l0 (4H, D), weight_hh_l0 (4H, H), bias_ih_l0 (4H,), bias_hh_l0 (4H,); rows, i, f, g, o
- Keras LSTM:      kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,); columns, i, f, c, o (Keras's c is our g)
- readout:         W_y (O, H), b_y (O,) = nn.Linear's weight, bias;  Keras Dense: kernel (H, O) = W_yᵀ, bias (O,)

Equations
---------
this suite:  z = W_x x_t + W_h h_{t-1} + b
PyTorch:     z = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh     so  b = b_ih + b_hh: only the sum matters
             (∂L/∂b_ih = ∂L/∂b_hh = ∂L/∂b, both biases get the same gradient)
Keras:       z = x_t K + h_{t-1} R + b                      so  K = W_xᵀ,  R = W_hᵀ
"""

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..bptt import backward
from ..cell import sigmoid
from ..checks import as_float_array, expect_int
from ..gates import GATE_NAMES, GATES
from ..params import LSTMParams
from ..sequence import forward
from ..sequences import as_sequence, initial_state
from .questions import Question


#: The order of the gate blocks in PyTorch's weights (its docs: W_ii | W_if | W_ig | W_io), in its own letters
TORCH_GATES = ("i", "f", "g", "o")
#: The order of the gate blocks in Keras's kernels, in Keras's own letters (c is the candidate, our g)
KERAS_GATES = ("i", "f", "c", "o")
#: Keras's letter -> this suite's symbol
KERAS_TO_SUITE = {"i": "i", "f": "f", "c": "g", "o": "o"}

#: Two numbers agree when |ours - theirs| stays below this, elementwise (both sides float64)
TOLERANCE = 1e-10

# Sizes used to name shapes by symbol: D, H, 4H and O must be four different numbers
_D, _H, _O = 3, 2, 5


# ------------------------------------------------------------------------------------ layouts


def torch_lstm_state(params):
    """``torch.nn.LSTM``'s layer-0 ``state_dict`` as numpy arrays (keys ``weight_ih_l0`` ...).

    ``params.to_torch()`` gives ``nn.LSTMCell``'s keys; ``nn.LSTM`` names the same arrays with
    the layer suffix ``_l0``. All of b goes into bias_ih, bias_hh is zero.
    """
    return {f"{name}_l0": arr for name, arr in params.to_torch().items()}


def torch_linear_state(params):
    """``torch.nn.Linear(H, O)``'s ``state_dict`` for the readout: weight = W_y (O, H), bias = b_y (O,)."""
    _need_readout(params)
    return {"weight": params.W_y.copy(), "bias": params.b_y.copy()}


def keras_lstm_weights(params):
    """The list that ``keras.layers.LSTM.set_weights`` takes: [kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,)]."""
    k = params.to_keras()
    return [k["kernel"], k["recurrent_kernel"], k["bias"]]


def keras_dense_weights(params):
    """The list that ``keras.layers.Dense(O).set_weights`` takes for the readout: [W_yᵀ (H, O), b_y (O,)]."""
    _need_readout(params)
    return [params.W_y.T.copy(), params.b_y.copy()]


def _need_readout(params):
    if not params.has_readout:
        raise ValueError("params: has no readout (W_y is None), so there is no Linear / Dense layer to fill")


def symbolic_shape(shape, D=_D, H=_H, O=_O):
    """A shape with its sizes named: ``(8, 3)`` -> ``"(4H, D)"`` for D = 3, H = 2 (D, H, 4H, O distinct)."""
    names = {D: "D", H: "H", 4 * H: "4H", O: "O"}
    if len(names) != 4:
        raise ValueError(f"symbolic_shape: D, H, 4H and O must differ, got D={D}, H={H}, O={O}")
    if any(s not in names for s in shape):
        raise ValueError(f"symbolic_shape: {tuple(shape)} has a size that is none of D={D}, H={H}, 4H={4 * H}, O={O}")
    inner = ", ".join(names[s] for s in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def block_axis(arr, H):
    """Whether the gate blocks of a stacked weight run down its ``"rows"`` or along its ``"columns"``."""
    axes = [a for a, n in enumerate(arr.shape) if n == 4 * H]
    if len(axes) != 1:
        raise ValueError(f"block_axis: expected exactly one axis of size 4H = {4 * H}, got shape {arr.shape}")
    return "rows" if axes[0] == 0 else "columns"


def layout_table():
    """The rows of the layout table: ``(what, this suite, PyTorch nn.LSTM, Keras LSTM)``, all strings.

    Every name and shape is read off the arrays that ``LSTMParams``, ``to_torch`` and ``to_keras``
    (and this module's readout exports) produce for D = 3, H = 2, O = 5, so the table says what
    the code does. The gate orders are this suite's GATES and the two frameworks' documented orders.
    """
    p = LSTMParams.random(_D, _H, _O, seed=0)
    suite = p.arrays()
    torch = {**torch_lstm_state(p), **{f"linear.{k}": v for k, v in torch_linear_state(p).items()}}
    keras = dict(zip(("kernel", "recurrent_kernel", "bias"), keras_lstm_weights(p)))
    dense = dict(zip(("dense.kernel", "dense.bias"), keras_dense_weights(p)))

    def cell(name, arr):
        return f"{name} {symbolic_shape(arr.shape)}"

    return [
        ("what", "this suite", "PyTorch nn.LSTM", "Keras LSTM"),
        ("gate order", ", ".join(GATES), ", ".join(TORCH_GATES), ", ".join(KERAS_GATES)),
        ("input weights", cell("W_x", suite["W_x"]), cell("weight_ih_l0", torch["weight_ih_l0"]),
         cell("kernel", keras["kernel"])),
        ("recurrent weights", cell("W_h", suite["W_h"]), cell("weight_hh_l0", torch["weight_hh_l0"]),
         cell("recurrent_kernel", keras["recurrent_kernel"])),
        ("bias", cell("b", suite["b"]),
         f"{cell('bias_ih_l0', torch['bias_ih_l0'])} + {cell('bias_hh_l0', torch['bias_hh_l0'])}",
         cell("bias", keras["bias"])),
        ("gate blocks run along", block_axis(suite["W_x"], _H), block_axis(torch["weight_ih_l0"], _H),
         block_axis(keras["kernel"], _H)),
        ("readout", f"{cell('W_y', suite['W_y'])}, {cell('b_y', suite['b_y'])}",
         f"Linear: {cell('weight', torch['linear.weight'])}, {cell('bias', torch['linear.bias'])}",
         f"Dense: {cell('kernel', dense['dense.kernel'])}, {cell('bias', dense['dense.bias'])}"),
        ("inputs xs", "(T, B, D)", "(T, B, D)", "(B, T, D)"),
    ]


def keras_column(gate, unit, H):
    """The column of Keras's kernel that holds ``gate`` (a suite symbol i, f, g, o) of ``unit`` (0-based).

    Found by exporting: W_x's row r is set to the number r, ``to_keras`` moves it, and the
    column where r lands is read back.
    """
    if gate not in GATES:
        raise ValueError(f"gate: expected one of {GATES}, got {gate!r}")
    H = expect_int("H", H)
    unit = expect_int("unit", unit, minimum=0)
    if unit >= H:
        raise ValueError(f"unit: expected 0 <= unit < H = {H}, got {unit}")
    rows = np.arange(4 * H, dtype=np.float64)  # (4H,): row r holds r
    p = LSTMParams(W_x=rows[:, None], W_h=np.zeros((4 * H, H)), b=np.zeros(4 * H))
    row = GATES.index(gate) * H + unit  # the suite's row of that gate and unit
    kernel = p.to_keras()["kernel"]  # (1, 4H)
    (column,) = np.flatnonzero(kernel[0] == row)
    return int(column)


# ------------------------------------------------------------------- the stored reference


#: The stored PyTorch reference ships inside the package (lstm_core/data), so lesson 07 works from an
#: installed lstm_core too; tests/reference/make_torch_reference.py writes it (see tests/reference/README.md)
REFERENCE_FILE = Path(__file__).resolve().parents[1] / "data" / "torch_lstm.npz"


def load_torch_reference(case, path=None):
    """One case of the stored PyTorch reference (REFERENCE_FILE, package data) as a dict of arrays.

    Keys as in tests/reference/README.md (``weight_ih``, ``xs``, ``h``, ``grad_weight_ih`` ...),
    plus ``torch_version``, a string. ``path`` defaults to the copy in the package; a path given
    is used as given, so a relative path stays relative in every message.
    """
    if path is None:
        path = REFERENCE_FILE
    try:
        data = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    with data:
        cases = [str(c) for c in data["cases"]]
        if case not in cases:
            raise ValueError(f"case: expected one of {cases}, got {case!r}")
        ref = {key.split("/", 1)[1]: data[key] for key in data.files if key.startswith(case + "/")}
        ref["torch_version"] = str(data["torch_version"][0])
    return ref


def reference_sizes(ref):
    """``(D, H, T, B)`` of a reference case; B is None for an unbatched case."""
    T = ref["xs"].shape[0]
    B = ref["xs"].shape[1] if ref["xs"].ndim == 3 else None
    return ref["weight_ih"].shape[1], ref["weight_hh"].shape[1], T, B


@dataclass(frozen=True)
class Comparison:
    """One array computed by lstm_core beside PyTorch's: ``max_abs`` = max |ours - theirs|."""

    ours: str  # what lstm_core calls it
    theirs: str  # the reference's key
    shape: tuple
    max_abs: float

    @property
    def agrees(self):
        return self.max_abs < TOLERANCE


def max_abs_difference(ours, theirs):
    """max |ours - theirs| over every element; the shapes must be equal."""
    ours, theirs = as_float_array("ours", ours), as_float_array("theirs", theirs)
    if ours.shape != theirs.shape:
        raise ValueError(f"max_abs_difference: shapes differ, {ours.shape} and {theirs.shape}")
    return float(np.max(np.abs(ours - theirs)))


def reproduce_reference(ref, params=None):
    """Recompute a reference case with lstm_core and compare every array with PyTorch's.

    ``params`` defaults to ``LSTMParams.from_torch`` of the case's four arrays. The loss is the
    reference's L = Σ_t Σ h_t * R_t, so dL/dh_t = R_t is what ``backward`` is given.
    Returns a list of Comparison: h, c, the four gates, then every gradient.
    """
    if params is None:
        params = LSTMParams.from_torch(ref["weight_ih"], ref["weight_hh"], ref["bias_ih"], ref["bias_hh"])
    trace = forward(params, ref["xs"], ref["h0"], ref["c0"])
    grads, dxs, dh0, dc0 = backward(params, trace, dh=ref["R"])
    pairs = [("h", trace.h, "h"), ("c", trace.c, "c")]
    pairs += [(k, getattr(trace, k), f"gates_{k}") for k in GATES]
    pairs += [
        ("dL/dW_x", grads.W_x, "grad_weight_ih"),
        ("dL/dW_h", grads.W_h, "grad_weight_hh"),
        ("dL/db", grads.b, "grad_bias_ih"),
        ("dL/db", grads.b, "grad_bias_hh"),
        ("dL/dxs", dxs, "grad_xs"),
        ("dL/dh0", dh0, "grad_h0"),
        ("dL/dc0", dc0, "grad_c0"),
    ]
    return [Comparison(name, key, tuple(ref[key].shape), max_abs_difference(arr, ref[key])) for name, arr, key in pairs]


# ---------------------------------------------------------------------------- live PyTorch


def torch_available():
    """Can ``import torch`` work here? (Looks for the package without importing it.)"""
    return importlib.util.find_spec("torch") is not None


def torch_lstm_forward(params, xs, h0=None, c0=None):
    """Run ``params`` in PyTorch: ``torch.nn.LSTM`` (+ ``nn.Linear`` for a readout), in float64.

    Returns ``(h, c_T, y)`` as numpy arrays shaped like ``lstm_core.forward``'s ``trace.h``,
    ``trace.c[-1]`` and ``trace.y`` (y is None without a readout): nn.LSTM returns every h_t
    but only the last cell state. Needs torch; lstm_core never does.
    """
    import torch  # lazily: only this function needs it

    seq, batched = as_sequence(params, xs)  # (T, B, D)
    T, B, D = seq.shape
    H = params.hidden_size
    h0 = initial_state("h0", h0, B, H, batched)  # (B, H)
    c0 = initial_state("c0", c0, B, H, batched)  # (B, H)
    lstm = torch.nn.LSTM(input_size=D, hidden_size=H).double()  # inputs (T, B, D): batch_first=False
    lstm.load_state_dict({k: torch.from_numpy(v) for k, v in torch_lstm_state(params).items()})
    with torch.no_grad():
        # h0 and c0 get a leading axis of size 1: one layer
        out, (_, c_T) = lstm(torch.from_numpy(seq), (torch.from_numpy(h0)[None], torch.from_numpy(c0)[None]))
        h = out.numpy()  # (T, B, H)
        c_T = c_T[0].numpy()  # (B, H)
        y = None
        if params.has_readout:
            linear = torch.nn.Linear(H, params.output_size).double()
            linear.load_state_dict({k: torch.from_numpy(v) for k, v in torch_linear_state(params).items()})
            y = linear(out).numpy()  # (T, B, O)
    if batched:
        return h, c_T, y
    return h[:, 0], c_T[0], None if y is None else y[:, 0]


SKIPPED = ("PyTorch is not installed here, so the PyTorch check is skipped (lstm_core never needs torch). "
           "With torch installed, the same call runs the weights in torch.nn.LSTM and says whether they agree.")


def pytorch_check(params, xs, h0=None, c0=None):
    """A sentence: do torch.nn.LSTM (+ nn.Linear) and lstm_core agree on h, c_T and y to TOLERANCE?

    Without torch, the sentence SKIPPED says the check did not run.
    """
    if not torch_available():
        return SKIPPED
    trace = forward(params, xs, h0, c0)
    h, c, y = torch_lstm_forward(params, xs, h0, c0)
    parts = [("h", h, trace.h), ("c_T", c, trace.c[-1])] + ([("y", y, trace.y)] if params.has_readout else [])
    verdicts = [f"{name} {max_abs_difference(theirs, ours) < TOLERANCE}" for name, theirs, ours in parts]
    return "PyTorch (torch.nn.LSTM, float64) agrees with lstm_core to 1e-10: " + ", ".join(verdicts)


# Questions ------------------------------------------------------------------------------------------------------------

def shape_text(shape):
    return "(" + ", ".join(str(n) for n in shape) + ")"


SPLIT = ("the same numbers: only the sum b_ih + b_hh counts",
         "a different forget gate, since bias_hh acts through h",
         "the same numbers at step 1 only, where h_0 = 0")
FORGET_START = ("about 73 %: f = σ(1)", "all of it: f = 1", "half of it: f = σ(0)")


def split_choice(shift=0.3, seed=0):
    """Move ``shift`` from bias_ih to bias_hh of the forget gate of a random PyTorch-layout LSTM: do the loaded
    params, and so every h and c, stay the same? Returns the matching SPLIT choice."""
    rng = np.random.default_rng(seed)
    D, H = 1, 2
    w_ih, w_hh = rng.normal(size=(4 * H, D)), rng.normal(size=(4 * H, H))
    b_ih, b_hh = rng.normal(size=4 * H), rng.normal(size=4 * H)
    rows = slice(GATES.index("f") * H, GATES.index("f") * H + H)
    moved_ih, moved_hh = b_ih.copy(), b_hh.copy()
    moved_ih[rows] -= shift
    moved_hh[rows] += shift
    xs = rng.normal(size=(5, D))
    h0 = rng.normal(size=H)
    one = forward(LSTMParams.from_torch(w_ih, w_hh, b_ih, b_hh), xs, h0=h0)
    two = forward(LSTMParams.from_torch(w_ih, w_hh, moved_ih, moved_hh), xs, h0=h0)
    same = np.allclose(one.h, two.h, rtol=0, atol=1e-12) and np.allclose(one.c, two.c, rtol=0, atol=1e-12)
    return SPLIT[0] if same else None


def kept_share(forget_bias=1.0, steps=4):
    """c_t / c_{t-1} of a new layer before training, every weight 0 and b_f = ``forget_bias`` (the other biases 0,
    so nothing is written), from a forward run starting at c_0 = 1."""
    b = np.zeros(4)
    b[GATES.index("f")] = forget_bias
    params = LSTMParams(W_x=np.zeros((4, 1)), W_h=np.zeros((4, 1)), b=b)
    trace = forward(params, np.zeros(steps), c0=[1.0])
    if np.any(trace.i * trace.g != 0.0):  # g = tanh(0) = 0: nothing is written, c only shrinks by f
        raise RuntimeError("kept_share: something was written into the cell")
    c = trace.c[:, 0]  # (steps,)
    return float(c[-1] / c[-2])


def questions():
    D, H = 1, 2
    weight_ih = torch_lstm_state(LSTMParams.random(D, H))["weight_ih_l0"]
    right = shape_text(weight_ih.shape)
    shapes = {right, shape_text(weight_ih.T.shape), shape_text((H, D)), shape_text((4 * H, H))}

    gate, b_ih, b_hh = "f", 0.3, 0.2
    row = GATES.index(gate)  # H = 1: the gate's row is its block
    bias_ih, bias_hh = np.zeros(4), np.zeros(4)  # (4H,) with H = 1
    bias_ih[row], bias_hh[row] = b_ih, b_hh
    loaded = LSTMParams.from_torch(np.zeros((4, 1)), np.zeros((4, 1)), bias_ih, bias_hh)
    b = float(loaded.b[row])

    unit = 1
    column = keras_column(gate, unit, H)
    keras_letter = KERAS_GATES[column // H]
    return [
        Question(
            key="shape_ih",
            prompt=(f"torch.nn.LSTM(input_size={D}, hidden_size={H}): what is the shape of its "
                    f"<code>weight_ih_l0</code>?"),
            answer=right,
            choices=tuple(sorted(shapes)),
            hint="PyTorch stacks the four gate blocks (i, f, g, o) one under the other, H rows each; each row "
                 "multiplies the D inputs.",
            explanation=(f"{right}: 4H = {4 * H} rows (blocks i, f, g, o of H = {H} rows each) by D = {D} column, "
                         f"the same as this suite's W<sub>x</sub>. Keras's kernel is its transpose, "
                         f"{shape_text(weight_ih.T.shape)}."),
            tells=("weight_ih_l0 (4H, D)", "weight_ih (4H, D)", "W_ih = W_x", f"weight_ih_l0     {right}",
                   "PyTorch's weight matrices are this suite's"),
        ),
        Question(
            key="bias_sum",
            prompt=(f"A PyTorch LSTM has <code>bias_ih</code> = {b_ih:g} and <code>bias_hh</code> = {b_hh:g} for "
                    f"the {GATE_NAMES[gate]} of its one unit. What is that gate's bias b in lstm_core after "
                    f"<code>LSTMParams.from_torch</code>?"),
            answer=b,
            hint="PyTorch computes z = W_ih x + b_ih + W_hh h + b_hh. Which single number takes the place of "
                 "both biases?",
            explanation=(f"b = b_ih + b_hh = {b_ih:g} + {b_hh:g} = {b:g}. Both biases are added into the same "
                         f"pre-activation, so only their sum reaches the gate (and both get the same gradient). "
                         f"<code>to_torch</code> puts the whole sum back into bias_ih and sets bias_hh to 0."),
            tells=("b = bias_ih + bias_hh", "b = b_ih + b_hh", "stores the sum as b", "from_torch sums them"),
        ),
        Question(
            key="keras_col",
            prompt=(f"A Keras LSTM with H = {H} units has a kernel of 4H = {4 * H} columns, counted from 0. Which "
                    f"column holds the {GATE_NAMES[gate]}'s weights of unit {unit} (the second unit)?"),
            answer=float(column),
            tol=0.5,
            hint=(f"Keras's column blocks run {', '.join(KERAS_GATES)}, H = {H} columns each. Where does the "
                  f"{gate} block start?"),
            explanation=(f"Column {column}: the {gate} block is block {column // H} (columns "
                         f"{column // H * H}..{column // H * H + H - 1}), and unit {unit} is its column "
                         f"{column % H}. Keras calls the block '{keras_letter}'; in PyTorch and in this suite "
                         f"the same gate is row {column} of weight_ih / W<sub>x</sub>."),
            # the formula, or the table of every gate's column, above the question leave nothing to work out
            tells=("column k·H + u", "kernel column"),
        ),
        Question(
            key="split",
            prompt=(f"In a PyTorch LSTM, move {0.3:g} from <code>bias_ih</code> to <code>bias_hh</code> of the "
                    "forget gate (bias_ih − 0.3, bias_hh + 0.3), everything else unchanged. What does the LSTM "
                    "compute now?"),
            answer=split_choice(),
            choices=SPLIT,
            kind="explain",
            feedback=(
                (SPLIT[1], "bias_hh is not multiplied by h: z = W_ih x + b_ih + W_hh h + b_hh, so it is a plain "
                           "constant, just like b_ih."),
                (SPLIT[2], "Neither bias is multiplied by h, so no step is special."),
            ),
            hint="Write out z = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh. Where does each bias end up?",
            explanation=("Both biases are added into the same pre-activation, so any split of the same sum is the "
                         "same LSTM: lstm_core loads both versions to the same b, and every h and c agrees."),
            tells=("only the sum", "any split of the same sum", "where one would do", "only bias_ih + bias_hh",
                   "only b_ih + b_hh"),
        ),
        Question(
            key="forget_start",
            prompt=("Keras's <code>unit_forget_bias=True</code> starts a new layer's forget-gate bias at 1 and its "
                    "other biases at 0. Before any training, with inputs and h near 0, how much of c<sub>t−1</sub> "
                    "does each step keep?"),
            answer=FORGET_START[0] if abs(kept_share(1.0) - float(sigmoid(1.0))) < 1e-12 else None,
            choices=FORGET_START,
            kind="predict",
            feedback=(
                (FORGET_START[1], "A bias of 1 is not a gate of 1: the gate is σ of it. A fixed loop of 1 was the "
                                  "1997 LSTM's, before the forget gate existed."),
                (FORGET_START[2], "σ(0) = 0.5 is what a forget bias of 0 gives, the start without "
                                  "unit_forget_bias."),
            ),
            hint="With inputs and h near 0, z_f is just the bias. The gate is σ(z_f).",
            explanation=(f"f = σ(1) = {kept_share(1.0):.4f}: each step keeps about 73 % of the cell, against 50 % "
                         "with a bias of 0, so gradients along the cell path survive the first updates. Keras's "
                         "documentation cites Jozefowicz et al. (2015) for this start."),
        ),
    ]
