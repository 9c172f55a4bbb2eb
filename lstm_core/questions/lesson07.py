"""Lesson 07's questions: this suite's layout against PyTorch's and Keras's. Answers come from
LSTMParams.to_torch / from_torch / to_keras and lstm_core.bridge."""

import numpy as np

from ..bridge import KERAS_GATES, keras_column, torch_lstm_state
from ..gates import GATE_NAMES, GATES
from ..params import LSTMParams
from . import Question


def shape_text(shape):
    return "(" + ", ".join(str(n) for n in shape) + ")"


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
        ),
    ]
