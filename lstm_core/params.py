"""LSTMParams: the stacked weights, and the layouts they come in (seeds, PyTorch, Keras).

Notation
--------
H hidden size, D input size, O readout size. Gate blocks are stacked in GATES order
(i, f, g, o): rows ``k*H:(k+1)*H`` of ``W_x``, ``W_h`` and ``b`` belong to gate ``GATES[k]``.

Layouts
-------
- this suite:  W_x (4H, D), W_h (4H, H), b (4H,), W_y (O, H), b_y (O,)
- concat:      one (H, D+H) matrix per gate acting on [x; h], x first (the vector worked example)
- gates:       (W_x, W_h, b) per gate, keyed forget/input/cell/output (the scalar worked example)
- PyTorch:     weight_ih (4H, D), weight_hh (4H, H), bias_ih + bias_hh (4H,), order i, f, g, o
- Keras:       kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,), order i, f, c, o
"""

from dataclasses import dataclass

import numpy as np

from .arrays import LayerArrays
from .checks import as_float_array, expect_shape
from .gates import GATES

# The worked examples' words for the gates, mapped to the symbols.
EXAMPLE_GATE_KEYS = {"input": "i", "forget": "f", "cell": "g", "output": "o"}


@dataclass(eq=False, repr=False)
class LSTMParams(LayerArrays):
    """The weights of one LSTM layer, gate blocks stacked in GATES order (i, f, g, o).

    Notation
    --------
    W_x : (4H, D)  input weights
    W_h : (4H, H)  recurrent weights
    b   : (4H,)    biases
    W_y : (O, H)   optional readout weights
    b_y : (O,)     optional readout bias

    Equations
    ---------
    z = W_x x_t + W_h h_{t-1} + b;  i, f, o = σ(z_i, z_f, z_o);  g = tanh(z_g)
    y_t = W_y h_t + b_y
    """

    W_x: np.ndarray
    W_h: np.ndarray
    b: np.ndarray
    W_y: np.ndarray = None
    b_y: np.ndarray = None

    BLOCKS = 4  # the gate blocks i, f, g, o

    def __post_init__(self):
        self.W_h = as_float_array("W_h", self.W_h)
        if self.W_h.ndim != 2 or self.W_h.shape[0] != 4 * self.W_h.shape[1]:
            raise ValueError(f"W_h: expected shape (4H, H), got {tuple(self.W_h.shape)}")
        if self.W_h.shape[1] == 0:
            raise ValueError("W_h: expected at least one hidden unit (H >= 1), got shape (0, 0)")
        H = self.W_h.shape[1]
        self.W_x = expect_shape("W_x", as_float_array("W_x", self.W_x), (4 * H, None))
        if self.W_x.shape[1] == 0:
            raise ValueError("W_x: expected at least one input column (D >= 1), got shape " f"{self.W_x.shape}")
        self.b = expect_shape("b", as_float_array("b", self.b), (4 * H,))
        self._check_readout(H)

    # sizes (hidden_size, input_size, output_size, has_readout) and the named arrays
    # (arrays(), copy(), zeros_like()) come from LayerArrays

    def gate(self, name):
        """Views ``(W_x, W_h, b)`` of one gate's rows; writing to them changes the params."""
        if name not in GATES:
            raise ValueError(f"gate: expected one of {GATES}, got {name!r}")
        H = self.hidden_size
        rows = slice(GATES.index(name) * H, (GATES.index(name) + 1) * H)
        return self.W_x[rows], self.W_h[rows], self.b[rows]

    # ------------------------------------------------------------ layouts
    @classmethod
    def from_concat(cls, Wf, Wi, Wc, Wo, bf, bi, bc, bo, Wy=None, by=None):
        """The vector worked example's layout: each ``W?`` is (H, D+H) acting on ``[x; h]`` (x first)."""
        mats = {"f": Wf, "i": Wi, "g": Wc, "o": Wo}
        biases = {"f": bf, "i": bi, "g": bc, "o": bo}
        example_name = {"f": "Wf", "i": "Wi", "g": "Wc", "o": "Wo"}
        mats = {k: as_float_array(example_name[k], v) for k, v in mats.items()}
        H, cols = mats["f"].shape if mats["f"].ndim == 2 else (None, None)
        if H is None or cols <= H:
            raise ValueError(f"Wf: expected shape (H, D+H) with D >= 1, got {tuple(mats['f'].shape)}")
        for k, m in mats.items():
            expect_shape(example_name[k], m, (H, cols))
        D = cols - H
        bias = {}
        for k, v in biases.items():
            name = "b" + {"g": "c"}.get(k, k)
            arr = as_float_array(name, v)
            if arr.shape == (H, 1):
                arr = arr[:, 0]
            bias[k] = expect_shape(name, arr, (H,))
        return cls(
            W_x=np.vstack([mats[k][:, :D] for k in GATES]),
            W_h=np.vstack([mats[k][:, D:] for k in GATES]),
            b=np.concatenate([bias[k] for k in GATES]),
            W_y=None if Wy is None else as_float_array("Wy", Wy),
            b_y=None if by is None else as_float_array("by", by).reshape(-1),
        )

    @classmethod
    def from_gates(cls, forget, input, cell, output, W_y=None, b_y=None):
        """The scalar worked example's layout: ``(W_x, W_h, b)`` per gate, each a scalar or an array.

        Scalars mean H = D = 1. Arrays are W_x (H, D), W_h (H, H), b (H,).
        """
        given = {"forget": forget, "input": input, "cell": cell, "output": output}
        parts = {}
        for word, triple in given.items():
            if not isinstance(triple, (tuple, list)) or len(triple) != 3:
                raise ValueError(f"{word}: expected a triple (W_x, W_h, b), got {triple!r}")
            wx, wh, bb = (as_float_array(f"{word}[{j}]", v) for j, v in enumerate(triple))
            parts[EXAMPLE_GATE_KEYS[word]] = (
                np.atleast_2d(wx) if wx.ndim == 0 else wx,
                np.atleast_2d(wh) if wh.ndim == 0 else wh,
                bb.reshape(1) if bb.ndim == 0 else bb,
            )
        W_y = None if W_y is None else np.atleast_2d(as_float_array("W_y", W_y))
        b_y = None if b_y is None else np.atleast_1d(as_float_array("b_y", b_y))
        return cls(
            W_x=np.vstack([parts[k][0] for k in GATES]),
            W_h=np.vstack([parts[k][1] for k in GATES]),
            b=np.concatenate([parts[k][2] for k in GATES]),
            W_y=W_y,
            b_y=b_y,
        )

    @classmethod
    def from_torch(cls, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
        """``torch.nn.LSTMCell`` / ``nn.LSTM`` layer-0 arrays (as numpy). Only ``bias_ih + bias_hh`` matters."""
        W_h = as_float_array("weight_hh", weight_hh)
        b = np.zeros(W_h.shape[0])
        for name, extra in (("bias_ih", bias_ih), ("bias_hh", bias_hh)):
            if extra is not None:
                b = b + expect_shape(name, as_float_array(name, extra), (W_h.shape[0],))
        return cls(W_x=as_float_array("weight_ih", weight_ih), W_h=W_h, b=b)

    def to_torch(self):
        """A dict that ``nn.LSTMCell.load_state_dict`` takes (as tensors); bias_hh is zero, bias_ih = b."""
        return {
            "weight_ih": self.W_x.copy(),
            "weight_hh": self.W_h.copy(),
            "bias_ih": self.b.copy(),
            "bias_hh": np.zeros_like(self.b),
        }

    @classmethod
    def from_keras(cls, kernel, recurrent_kernel, bias):
        """Keras ``LSTM`` layout: kernel (D, 4H), recurrent_kernel (H, 4H); its i, f, c, o is our i, f, g, o."""
        kernel = as_float_array("kernel", kernel)
        recurrent_kernel = as_float_array("recurrent_kernel", recurrent_kernel)
        if recurrent_kernel.ndim != 2:
            raise ValueError(f"recurrent_kernel: expected shape (H, 4H), got {tuple(recurrent_kernel.shape)}")
        H = recurrent_kernel.shape[0]
        expect_shape("recurrent_kernel", recurrent_kernel, (H, 4 * H))
        expect_shape("kernel", kernel, (None, 4 * H))
        return cls(W_x=kernel.T.copy(), W_h=recurrent_kernel.T.copy(), b=as_float_array("bias", bias))

    def to_keras(self):
        return {
            "kernel": self.W_x.T.copy(),
            "recurrent_kernel": self.W_h.T.copy(),
            "bias": self.b.copy(),
        }

    @classmethod
    def random(cls, input_size, hidden_size, output_size=None, seed=0):
        """A reproducible draw, uniform in ±1/sqrt(H) like PyTorch's default initialisation."""
        return cls._random(input_size, hidden_size, output_size, seed)
