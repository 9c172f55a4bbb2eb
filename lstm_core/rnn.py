"""A vanilla tanh RNN: the baseline the LSTM is compared with (gradient flow, long gaps).

Notation
--------
T steps, B sequences in a batch, D inputs, H hidden units, O readout outputs.
W_x : (H, D)   input weights          (one block, no gates)
W_h : (H, H)   recurrent weights
b   : (H,)     bias
W_y, b_y : (O, H), (O,)   optional readout, as in LSTMParams
xs  : (T, B, D)   inputs; (T, D) for one sequence, or (T,) when D == 1
h   : (T, B, H)   hidden states h_1 .. h_T

Equations (forward  ->  backward, walked from t = T down to 1)
---------
h_t = tanh(z_t)                    ->  dz_t = dh_t (1 - h_t²)
z_t = W_x x_t + W_h h_{t-1} + b    ->  dh_{t-1} += dz_t W_h,  dx_t = dz_t W_x
                                       dW_x = Σ_t dz_tᵀ x_t,  dW_h = Σ_t dz_tᵀ h_{t-1},  db = Σ_t dz_t
y_t = W_y h_t + b_y                ->  ``lstm_core.bptt.readout_backward`` works on an RNNTrace too

Every step multiplies the carried gradient by diag(1 - h_t²) W_h: there is no additive
path like the LSTM's c_t = f_t c_{t-1} + ..., which is why its gradient fades (or blows up).
"""

from dataclasses import dataclass

import numpy as np

from .arrays import LayerArrays, TraceBase
from .checks import as_float_array, expect_shape
from .cell import summed_products, tanh, weighted_sum
from .sequence import as_sequence, initial_state, readout


@dataclass(eq=False, repr=False)
class RNNParams(LayerArrays):
    """The weights of one tanh RNN layer.

    Notation
    --------
    W_x : (H, D),  W_h : (H, H),  b : (H,),  W_y : (O, H) optional,  b_y : (O,) optional

    Equations
    ---------
    h_t = tanh(W_x x_t + W_h h_{t-1} + b);   y_t = W_y h_t + b_y
    """

    W_x: np.ndarray
    W_h: np.ndarray
    b: np.ndarray
    W_y: np.ndarray = None
    b_y: np.ndarray = None

    def __post_init__(self):
        self.W_h = as_float_array("W_h", self.W_h)
        if self.W_h.ndim != 2 or self.W_h.shape[0] != self.W_h.shape[1] or self.W_h.shape[0] == 0:
            raise ValueError(f"W_h: expected a square shape (H, H) with H >= 1, got {tuple(self.W_h.shape)}")
        H = self.W_h.shape[0]
        self.W_x = expect_shape("W_x", as_float_array("W_x", self.W_x), (H, None))
        if self.W_x.shape[1] == 0:
            raise ValueError(f"W_x: expected at least one input column (D >= 1), got shape {self.W_x.shape}")
        self.b = expect_shape("b", as_float_array("b", self.b), (H,))
        self._check_readout(H)

    # sizes, arrays(), copy(), zeros_like() and __repr__ come from LayerArrays

    @classmethod
    def random(cls, input_size, hidden_size, output_size=None, seed=0):
        """A reproducible draw, uniform in ±1/sqrt(H) like PyTorch's ``nn.RNN``."""
        return cls._random(input_size, hidden_size, output_size, seed)


@dataclass(eq=False)
class RNNTrace(TraceBase):
    """What ``rnn_forward`` computed; ``h``, ``y``, ``x`` are (T, H) for one sequence, (T, B, H) for a batch.

    The stored arrays keep the batch axis, with the names ``lstm_core.Trace`` uses, so that
    ``readout_backward`` and the loss work on either trace.
    """

    xs: np.ndarray  # (T, B, D)
    h0: np.ndarray  # (B, H)
    h_all: np.ndarray  # (T, B, H)
    y_all: np.ndarray  # (T, B, O) or None
    batched: bool

    # as_given, T, hidden_size, initial_h, x, h, y and prediction come from TraceBase


def _check_params(params):
    if not isinstance(params, RNNParams):
        raise TypeError(f"params: expected RNNParams, got {type(params).__name__}")


def rnn_forward(params, xs, h0=None):
    """Run the RNN over ``xs`` ((T, D), (T, B, D), or (T,) when D == 1); ``h0`` defaults to zeros."""
    _check_params(params)
    xs, batched = as_sequence(params, xs)  # (T, B, D)
    T, B, _ = xs.shape
    H = params.hidden_size
    h0 = initial_state("h0", h0, B, H, batched)  # (B, H)
    steps = []  # h_t of every step, (B, H) each
    h = h0
    for x in xs:  # x_t: (B, D)
        h = tanh(weighted_sum(params.W_x, x) + weighted_sum(params.W_h, h) + params.b)  # (B, H)
        steps.append(h)
    h = np.stack(steps)  # (T, B, H)
    y = readout(params, h)  # (T, B, O) or None
    return RNNTrace(xs=xs, h0=h0, h_all=h, y_all=y, batched=batched)


def rnn_backward(params, trace, dh, return_dh=False):
    """Gradients of a loss L from ``dh`` = dL/dh_t at every step (the shape of ``trace.h``).

    Returns ``(grads, dxs, dh0)``: ``grads`` an RNNParams of dL/dW_x, dL/dW_h, dL/db (zeros for
    the readout, which is not on the path ``dh`` describes), ``dxs`` and ``dh0`` shaped like
    ``trace.x`` and ``trace.initial_h``. With ``return_dh=True`` a fourth item is the total
    dL/dh_t of every step (direct plus carried back), shaped like ``trace.h``.
    """
    _check_params(params)
    H = params.hidden_size
    T, B, _ = trace.xs.shape
    shown = (T, B, H) if trace.batched else (T, H)
    dh = expect_shape("dh", as_float_array("dh", dh), shown).reshape(T, B, H)  # (T, B, H)
    dz = np.empty((T, B, H))
    dh_total = np.empty((T, B, H))
    dh_next = np.zeros((B, H))  # dL/dh_t flowing back from step t + 1
    for t in reversed(range(T)):
        np.add(dh[t], dh_next, out=dh_total[t])
        # h_t = tanh(z_t)
        np.multiply(dh_total[t], 1.0 - trace.h_all[t] ** 2, out=dz[t])
        # z_t = W_x x_t + W_h h_{t-1} + b
        dh_next = weighted_sum(params.W_h.T, dz[t])  # dz_t W_h, (B, H), in a fixed order (cell.weighted_sum)

    h_prev = np.concatenate([trace.h0[None], trace.h_all[:-1]])  # (T, B, H)
    dz2 = dz.reshape(T * B, H)
    grads = RNNParams(
        W_x=summed_products(dz, trace.xs),  # Σ_t dz_tᵀ x_t, in a fixed order (cell.summed_products)
        W_h=summed_products(dz, h_prev),
        b=dz2.sum(axis=0),
        **({"W_y": np.zeros_like(params.W_y), "b_y": np.zeros_like(params.b_y)} if params.has_readout else {}),
    )
    dxs = weighted_sum(params.W_x.T, dz)  # dz W_x, (T, B, D)
    out = (grads, dxs, dh_next) if trace.batched else (grads, dxs[:, 0], dh_next[0])
    if return_dh:
        out += (dh_total if trace.batched else dh_total[:, 0],)
    return out
