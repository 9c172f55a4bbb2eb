"""lstm_core: the LSTM cell math of the teaching suite, in numpy only.

Notation (the same table as the README, the notebooks and the plot labels):

<!-- notation:start -->
| symbol | shape | meaning |
|---|---|---|
| x_t | (D,) | input at step t |
| h_t | (H,) | hidden state (the output of the cell) at step t |
| c_t | (H,) | cell state (the "conveyor belt") at step t |
| i_t | (H,) | input gate: how much of the candidate is written |
| f_t | (H,) | forget gate: how much of c_{t-1} is kept |
| g_t | (H,) | candidate values (the worked examples' "candidate cell") |
| o_t | (H,) | output gate: how much of tanh(c_t) is shown |
| W_x | (4H, D) | input weights, gate blocks stacked in GATES order i, f, g, o |
| W_h | (4H, H) | recurrent weights, same stacking |
| b | (4H,) | biases, same stacking |
| W_y, b_y | (O, H), (O,) | optional readout y_t = W_y h_t + b_y |
| σ | | logistic sigmoid 1 / (1 + e^(-z)) |
| r_t | (H,) | GRU reset gate: how much of W_hn h_{t-1} + b_hn enters the GRU's candidate |
| z_t | (H,) | GRU update gate: how much of h_{t-1} is kept (in the LSTM's equations z_t is the stacked pre-activation) |
| n_t | (H,) | GRU candidate (new) values |
| W_x, W_h (GRU) | (3H, D), (3H, H) | GRU weights, blocks stacked r, z, n (PyTorch's order) |
| b_x, b_h | (3H,), (3H,) | GRU input and recurrent biases, kept apart: b_hn sits inside r_t ⊙ (W_hn h_{t-1} + b_hn) |
<!-- notation:end -->

Equations of one step (every module uses these symbols)::

    z_t = W_x x_t + W_h h_{t-1} + b          # stacked pre-activations (4H,)
    i_t = σ(z_i)   f_t = σ(z_f)   g_t = tanh(z_g)   o_t = σ(z_o)
    c_t = f_t * c_{t-1} + i_t * g_t
    h_t = o_t * tanh(c_t)
    y_t = W_y h_t + b_y                        # only when a readout exists

``import lstm_core`` imports numpy and nothing else; plots and widgets live in
``lstm_core.explore``, which is imported explicitly.
"""

# The one place the version is written: pyproject.toml reads it ([tool.setuptools.dynamic]), the lessons'
# install cell pins the git tag v<__version__> (tools/lesson_header.py), CITATION.cff repeats it.
__version__ = "0.1.0"

from .gates import GATES, GATE_NAMES, QUANTITIES, QUANTITY_NAMES
from .params import LSTMParams
from .cell import VARIANTS, sigmoid, step
from .sequence import Trace, forward
from .bptt import backward
from .rnn import RNNParams, RNNTrace, rnn_forward, rnn_backward
from .gru import GRUParams, GRUTrace, gru_forward, gru_backward
from .loss import mse_loss, loss_and_grads
from .gradient_descent import train

__all__ = [
    "GATES",
    "GATE_NAMES",
    "QUANTITIES",
    "QUANTITY_NAMES",
    "LSTMParams",
    "VARIANTS",
    "sigmoid",
    "step",
    "Trace",
    "forward",
    "backward",
    "RNNParams",
    "RNNTrace",
    "rnn_forward",
    "rnn_backward",
    "GRUParams",
    "GRUTrace",
    "gru_forward",
    "gru_backward",
    "mse_loss",
    "loss_and_grads",
    "train",
]
