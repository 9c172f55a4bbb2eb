"""What LSTMParams, RNNParams and GRUParams share: sizes, named arrays, copies, the random draw (numpy only).

(What the traces share, ``TraceBase``, is in ``lstm_core.trace``.)

Notation
--------
G gate blocks stacked in W_x, W_h and b (4 for the LSTM, 1 for the tanh RNN),
H hidden size, D input size, O readout size, T steps, B sequences in a batch.
W_x : (G·H, D),  W_h : (G·H, H),  b : (G·H,),  W_y : (O, H) optional,  b_y : (O,) optional
"""

import numpy as np

from .checks import as_float_array, expect_int, expect_shape


class LayerArrays:
    """Sizes, named arrays, copies and the random draw of a layer's weights.

    A dataclass using it has the fields ``W_x, W_h, b, W_y, b_y`` and sets ``BLOCKS``
    (the G above); a layer with other bias vectors (the GRU's ``b_x, b_h``) lists its names
    in ``NAMES``. Use ``@dataclass(repr=False)`` so that ``__repr__`` below is kept.
    """

    NAMES = ("W_x", "W_h", "b")
    READOUT_NAMES = ("W_y", "b_y")
    BLOCKS = 1

    def _check_readout(self, H):
        """Validate ``W_y`` (O, H) and ``b_y`` (O,); ``b_y`` defaults to zeros when only W_y is given."""
        if self.W_y is None:
            if self.b_y is not None:
                raise ValueError("b_y: given without W_y; a readout needs both (or W_y alone)")
            return
        self.W_y = expect_shape("W_y", as_float_array("W_y", self.W_y), (None, H))
        O = self.W_y.shape[0]
        self.b_y = np.zeros(O) if self.b_y is None else expect_shape("b_y", as_float_array("b_y", self.b_y), (O,))

    # ------------------------------------------------------------------ sizes
    @property
    def hidden_size(self):
        return self.W_h.shape[1]

    @property
    def input_size(self):
        return self.W_x.shape[1]

    @property
    def output_size(self):
        return None if self.W_y is None else self.W_y.shape[0]

    @property
    def has_readout(self):
        return self.W_y is not None

    # ------------------------------------------------------- named arrays
    def arrays(self):
        """The arrays by name (readout only when present): the unit that training updates."""
        names = self.NAMES + (self.READOUT_NAMES if self.has_readout else ())
        return {n: getattr(self, n) for n in names}

    def copy(self):
        return type(self)(**{n: a.copy() for n, a in self.arrays().items()})

    def zeros_like(self):
        return type(self)(**{n: np.zeros_like(a) for n, a in self.arrays().items()})

    @classmethod
    def _random(cls, input_size, hidden_size, output_size, seed):
        """A reproducible draw, uniform in ±1/sqrt(H) like PyTorch's default initialisation."""
        D = expect_int("input_size", input_size)
        H = expect_int("hidden_size", hidden_size)
        rng = np.random.default_rng(expect_int("seed", seed, minimum=0))
        k = 1.0 / np.sqrt(H)
        draw = lambda *shape: rng.uniform(-k, k, size=shape)  # noqa: E731
        readout = {}
        if output_size is not None:
            O = expect_int("output_size", output_size)
            readout = {"W_y": draw(O, H), "b_y": draw(O)}
        G = cls.BLOCKS
        # W_x and W_h are matrices; every other name of NAMES is a bias vector (G·H,), drawn in
        # the order of NAMES (for W_x, W_h, b the same draws, in the same order, as always)
        shapes = {"W_x": (G * H, D), "W_h": (G * H, H)}
        return cls(**{n: draw(*shapes.get(n, (G * H,))) for n in cls.NAMES}, **readout)

    def __repr__(self):
        out = f", O={self.output_size}" if self.has_readout else ""
        return f"{type(self).__name__}(D={self.input_size}, H={self.hidden_size}{out})"
