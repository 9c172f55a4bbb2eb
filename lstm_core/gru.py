"""A GRU (gated recurrent unit), beside the LSTM: PyTorch's ``nn.GRU`` equations, forward and backward.

Notation
--------
T steps, B sequences in a batch, D inputs, H hidden units, O readout outputs.
Gate blocks are stacked in PyTorch's order r, z, n: rows ``k*H:(k+1)*H`` belong to ``GRU_GATES[k]``.
W_x : (3H, D)   input weights        [W_ir; W_iz; W_in]
W_h : (3H, H)   recurrent weights    [W_hr; W_hz; W_hn]
b_x : (3H,)     input biases         [b_ir; b_iz; b_in]
b_h : (3H,)     recurrent biases     [b_hr; b_hz; b_hn]
W_y, b_y : (O, H), (O,)   optional readout, as in LSTMParams
a_x : (B, 3H)   W_x x_t + b_x        the input half of the pre-activations, blocks a_xr, a_xz, a_xn
a_h : (B, 3H)   W_h h_{t-1} + b_h    the recurrent half, blocks a_hr, a_hz, a_hn
r_t : (B, H)    reset gate: how much of the recurrent part a_hn enters the candidate
z_t : (B, H)    update gate: how much of h_{t-1} is kept
n_t : (B, H)    candidate (new) values
h_t : (B, H)    hidden state

Equations (forward  ->  backward, walked from t = T down to 1)
---------
a_x = W_x x_t + b_x,  a_h = W_h h_{t-1} + b_h
r_t = σ(a_xr + a_hr)                 ->  da_r = dr_t r_t (1 - r_t)
z_t = σ(a_xz + a_hz)                 ->  da_z = dz_t z_t (1 - z_t)
n_t = tanh(a_xn + r_t a_hn)          ->  da_xn = dn_t (1 - n_t²),  dr_t = da_xn a_hn,  da_hn = da_xn r_t
h_t = (1 - z_t) n_t + z_t h_{t-1}    ->  dn_t = dh_t (1 - z_t),  dz_t = dh_t (h_{t-1} - n_t),
                                         dh_{t-1} = dh_t z_t + da_h W_h
(dz_t is ``d_update`` in the code: there ``dz`` names the LSTM's and the RNN's pre-activation gradient.)
dW_x = Σ_t da_xᵀ x_t,  db_x = Σ_t da_x,  dW_h = Σ_t da_hᵀ h_{t-1},  db_h = Σ_t da_h,  dx_t = da_x W_x
y_t = W_y h_t + b_y                  ->  ``lstm_core.readout.readout_backward`` works on a GRUTrace too

b_hn sits inside r_t (a_hn = W_hn h_{t-1} + b_hn is multiplied by r_t), so unlike the LSTM's the two
bias vectors cannot be summed into one: b_x and b_h are kept apart. The GRU has no cell state: h_t
itself is the memory, and z_t near 1 carries it forward (∂h_t/∂h_{t-1} contains diag(z_t), the
GRU's counterpart of the LSTM's diag(f_t)).

Like the LSTM, the GRU has a plain path (the default: loops over t with the equations, products in
``fixed_order.weighted_sum``'s fixed order, σ and tanh from ``lstm_core.elementary``) and a fast path,
``fast=True`` (GEMMs, σ inlined, buffers reused), which agrees with it to about 1e-15
(``tests/core/test_gru.py``).
"""

from dataclasses import dataclass

import numpy as np

from .arrays import LayerArrays
from .fixed_order import summed_products, weighted_sum
from .checks import as_float_array, expect_shape
from .elementary import sigmoid, tanh  # the printed path's σ and tanh (one place; see elementary.py)
from .readout import readout
from .sequences import as_sequence, initial_state
from .trace import TraceBase

# PyTorch's order of the gate blocks in weight_ih, weight_hh, bias_ih, bias_hh
GRU_GATES = ("r", "z", "n")

GRU_GATE_NAMES = {
    "r": "reset gate",
    "z": "update gate",
    "n": "candidate",
}


def blocks(a, H):
    """The r, z, n blocks of a stacked (..., 3H) array, as views."""
    return a[..., :H], a[..., H : 2 * H], a[..., 2 * H :]


@dataclass(eq=False, repr=False)
class GRUParams(LayerArrays):
    """The weights of one GRU layer, gate blocks stacked in PyTorch's order r, z, n.

    Notation
    --------
    W_x : (3H, D),  W_h : (3H, H),  b_x : (3H,),  b_h : (3H,),  W_y : (O, H) optional,  b_y : (O,) optional

    Equations
    ---------
    r = σ(W_xr x + b_xr + W_hr h + b_hr);  z = σ(W_xz x + b_xz + W_hz h + b_hz)
    n = tanh(W_xn x + b_xn + r (W_hn h + b_hn));  h' = (1 - z) n + z h;  y = W_y h' + b_y
    """

    W_x: np.ndarray
    W_h: np.ndarray
    b_x: np.ndarray
    b_h: np.ndarray
    W_y: np.ndarray = None
    b_y: np.ndarray = None

    NAMES = ("W_x", "W_h", "b_x", "b_h")
    BLOCKS = 3  # the gate blocks r, z, n

    def __post_init__(self):
        self.W_h = as_float_array("W_h", self.W_h)
        if self.W_h.ndim != 2 or self.W_h.shape[0] != 3 * self.W_h.shape[1]:
            raise ValueError(f"W_h: expected shape (3H, H), got {tuple(self.W_h.shape)}")
        if self.W_h.shape[1] == 0:
            raise ValueError("W_h: expected at least one hidden unit (H >= 1), got shape (0, 0)")
        H = self.W_h.shape[1]
        self.W_x = expect_shape("W_x", as_float_array("W_x", self.W_x), (3 * H, None))
        if self.W_x.shape[1] == 0:
            raise ValueError(f"W_x: expected at least one input column (D >= 1), got shape {self.W_x.shape}")
        self.b_x = expect_shape("b_x", as_float_array("b_x", self.b_x), (3 * H,))
        self.b_h = expect_shape("b_h", as_float_array("b_h", self.b_h), (3 * H,))
        self._check_readout(H)

    # sizes, arrays(), copy(), zeros_like() and __repr__ come from LayerArrays

    def gate(self, name):
        """Views ``(W_x, W_h, b_x, b_h)`` of one gate's rows; writing to them changes the params."""
        if name not in GRU_GATES:
            raise ValueError(f"gate: expected one of {GRU_GATES}, got {name!r}")
        H = self.hidden_size
        rows = slice(GRU_GATES.index(name) * H, (GRU_GATES.index(name) + 1) * H)
        return self.W_x[rows], self.W_h[rows], self.b_x[rows], self.b_h[rows]

    @classmethod
    def from_torch(cls, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
        """``torch.nn.GRUCell`` / ``nn.GRU`` layer-0 arrays (as numpy); a missing bias is zeros.

        The layout is the same (rows r, z, n), so nothing is reordered; both biases are kept.
        """
        W_h = as_float_array("weight_hh", weight_hh)
        zeros = np.zeros(W_h.shape[0]) if W_h.ndim == 2 else None
        b_x = zeros if bias_ih is None else as_float_array("bias_ih", bias_ih)
        b_h = zeros if bias_hh is None else as_float_array("bias_hh", bias_hh)
        if W_h.ndim == 2:
            b_x = expect_shape("bias_ih", b_x, (W_h.shape[0],))
            b_h = expect_shape("bias_hh", b_h, (W_h.shape[0],))
        return cls(W_x=as_float_array("weight_ih", weight_ih), W_h=W_h, b_x=b_x, b_h=b_h)

    def to_torch(self):
        """A dict that ``nn.GRUCell.load_state_dict`` takes (as tensors)."""
        return {
            "weight_ih": self.W_x.copy(),
            "weight_hh": self.W_h.copy(),
            "bias_ih": self.b_x.copy(),
            "bias_hh": self.b_h.copy(),
        }

    @classmethod
    def random(cls, input_size, hidden_size, output_size=None, seed=0):
        """A reproducible draw, uniform in ±1/sqrt(H) like PyTorch's ``nn.GRU``."""
        return cls._random(input_size, hidden_size, output_size, seed)


@dataclass(eq=False)
class GRUTrace(TraceBase):
    """What ``gru_forward`` computed; ``r, z, n, h`` are (T, H) for one sequence, (T, B, H) for a batch.

    The stored arrays keep the batch axis, with the names ``lstm_core.Trace`` uses (``xs, h0,
    h_all, y_all``), so that ``readout_backward`` and the loss work on it. ``a_hn`` = W_hn h_{t-1}
    + b_hn is kept for the backward pass (it is what r_t multiplies).
    """

    xs: np.ndarray  # (T, B, D)
    h0: np.ndarray  # (B, H)
    r_all: np.ndarray  # (T, B, H)
    z_all: np.ndarray  # (T, B, H)
    n_all: np.ndarray  # (T, B, H)
    a_hn: np.ndarray  # (T, B, H)
    h_all: np.ndarray  # (T, B, H)
    y_all: np.ndarray  # (T, B, O) or None
    batched: bool

    # as_given, T, hidden_size, initial_h, x, h, y and prediction come from TraceBase

    r = property(lambda self: self.as_given(self.r_all))
    z = property(lambda self: self.as_given(self.z_all))
    n = property(lambda self: self.as_given(self.n_all))


def _check_params(params):
    if not isinstance(params, GRUParams):
        raise TypeError(f"params: expected GRUParams, got {type(params).__name__}")


def gru_forward(params, xs, h0=None, fast=False):
    """Run the GRU over ``xs`` ((T, D), (T, B, D), or (T,) when D == 1); ``h0`` defaults to zeros.

    The plain path is a loop over t with the equations: the products in ``weighted_sum``'s fixed
    order and σ, tanh from ``lstm_core.elementary``, so every value comes out the same on every CPU.
    ``fast=True`` runs ``_forward_fast``: the input half of every step in one GEMM and σ inlined
    (BLAS sums in a CPU-dependent order: it agrees with the plain path to about 1e-15).
    """
    _check_params(params)
    xs, batched = as_sequence(params, xs)  # (T, B, D)
    T, B, _ = xs.shape
    H = params.hidden_size
    h0 = initial_state("h0", h0, B, H, batched)  # (B, H)
    if fast:  # the fast path sits below this one
        return _forward_fast(params, xs, h0, batched)

    steps = []  # (r, z, n, a_hn, h) of every step, each (B, H)
    h_prev = h0
    for x in xs:  # x_t: (B, D)
        a_x = weighted_sum(params.W_x, x) + params.b_x  # (B, 3H)  a_x = W_x x_t + b_x
        a_h = weighted_sum(params.W_h, h_prev) + params.b_h  # (B, 3H)  a_h = W_h h_{t-1} + b_h
        a_xn, a_hn = a_x[..., 2 * H :], a_h[..., 2 * H :]  # (B, H) each
        # r_t = σ(a_xr + a_hr), z_t = σ(a_xz + a_hz): the r and z blocks side by side, one σ for both
        rz = sigmoid(a_x[..., : 2 * H] + a_h[..., : 2 * H])  # (B, 2H)
        r, z = rz[..., :H], rz[..., H:]  # (B, H) each
        n = tanh(a_xn + r * a_hn)  # n_t = tanh(a_xn + r_t ⊙ a_hn), b_hn inside r_t ⊙ (…)
        h = (1.0 - z) * n + z * h_prev  # h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}
        steps.append((r, z, n, a_hn, h))
        h_prev = h
    r, z, n, a_hn, h = (np.stack(q) for q in zip(*steps))  # each (T, B, H)
    y = readout(params, h)  # (T, B, O) or None, in the fixed order of every printed readout
    return GRUTrace(xs=xs, h0=h0, r_all=r, z_all=z, n_all=n, a_hn=a_hn, h_all=h, y_all=y, batched=batched)


def gru_backward(params, trace, dh, return_dh=False, fast=False):
    """Gradients of a loss L from ``dh`` = dL/dh_t at every step (the shape of ``trace.h``).

    Returns ``(grads, dxs, dh0)``: ``grads`` a GRUParams of dL/dW_x, dL/dW_h, dL/db_x, dL/db_h
    (zeros for the readout, which is not on the path ``dh`` describes), ``dxs`` and ``dh0``
    shaped like ``trace.x`` and ``trace.initial_h``. With ``return_dh=True`` a fourth item is the
    total dL/dh_t of every step (direct plus carried back), shaped like ``trace.h``.
    ``fast=True`` runs ``_backward_fast``: the gates' slopes of all steps at once, buffers reused.
    """
    _check_params(params)
    if not isinstance(trace, GRUTrace):
        raise TypeError(f"trace: expected the GRUTrace of gru_forward, got {type(trace).__name__}")
    H = params.hidden_size
    T, B, _ = trace.xs.shape
    shown = (T, B, H) if trace.batched else (T, H)
    dh = expect_shape("dh", as_float_array("dh", dh), shown).reshape(T, B, H)  # (T, B, H)
    da_x, da_h, dh_total, dh0 = (_backward_fast if fast else _backward_steps)(params, trace, dh)

    # a_x = W_x x_t + b_x and a_h = W_h h_{t-1} + b_h serve every step: their gradients sum over (t, batch);
    # the plain path in a fixed order (fixed_order.summed_products), the fast one as one GEMM each
    h_prev = np.concatenate([trace.h0[None], trace.h_all[:-1]])  # h_{t-1} of every step, (T, B, H)
    da_x2, da_h2 = da_x.reshape(T * B, 3 * H), da_h.reshape(T * B, 3 * H)  # every step and sequence a row
    if fast:
        dW_x, dW_h = da_x2.T @ trace.xs.reshape(T * B, -1), da_h2.T @ h_prev.reshape(T * B, H)
        dxs = da_x @ params.W_x  # (T, B, D)
    else:
        dW_x = summed_products(da_x, trace.xs)  # dW_x = Σ_t da_xᵀ x_t, (3H, D)
        dW_h = summed_products(da_h, h_prev)  # dW_h = Σ_t da_hᵀ h_{t-1}, (3H, H)
        dxs = weighted_sum(params.W_x.T, da_x)  # dx_t = da_x W_x, (T, B, D)
    grads = GRUParams(
        W_x=dW_x,
        W_h=dW_h,
        b_x=da_x2.sum(axis=0),  # db_x = Σ_t da_x
        b_h=da_h2.sum(axis=0),  # db_h = Σ_t da_h
        **({"W_y": np.zeros_like(params.W_y), "b_y": np.zeros_like(params.b_y)} if params.has_readout else {}),
    )
    out = (grads, dxs, dh0) if trace.batched else (grads, dxs[:, 0], dh0[0])
    if return_dh:
        out += (trace.as_given(dh_total),)
    return out


def _backward_steps(params, trace, dh):
    """The loop of ``gru_backward``: t from T down to 1, each derivative beside its forward line. Batch axis kept.

    Returns ``(da_x, da_h, dh_total, dh0)``: dL/da_x and dL/da_h (T, B, 3H), the total dL/dh_t (T, B, H)
    and dL/dh_0 (B, H).
    """
    T, B, H = trace.h_all.shape
    da_x_all = np.zeros((T, B, 3 * H))  # dL/d(W_x x_t + b_x), blocks r, z, n
    da_h_all = np.zeros((T, B, 3 * H))  # dL/d(W_h h_{t-1} + b_h), blocks r, z, n
    dh_total = np.zeros((T, B, H))  # dL/dh_t of every step, from the loss at t and from step t + 1
    dh_next = np.zeros((B, H))  # dL/dh_t flowing back from step t + 1
    for t in reversed(range(T)):
        r, z, n, a_hn = trace.r_all[t], trace.z_all[t], trace.n_all[t], trace.a_hn[t]  # (B, H)
        h_prev = trace.h_all[t - 1] if t > 0 else trace.h0  # (B, H)

        dh_t = dh[t] + dh_next  # h_t feeds the loss at t and step t + 1
        dh_total[t] = dh_t
        # h_t = (1 - z_t) n_t + z_t h_{t-1}
        dn = dh_t * (1.0 - z)
        d_update = dh_t * (h_prev - n)  # dL/dz_t, z_t the update gate
        dh_prev = dh_t * z  # the direct path to h_{t-1}, gated by z_t
        # n_t = tanh(a_xn + r_t a_hn)
        da_xn = dn * (1.0 - n**2)
        dr = da_xn * a_hn
        da_hn = da_xn * r
        # z_t = σ(a_xz + a_hz)
        da_z = d_update * (z * (1.0 - z))  # the same for a_xz and a_hz
        # r_t = σ(a_xr + a_hr)
        da_r = dr * (r * (1.0 - r))  # the same for a_xr and a_hr
        da_x_all[t] = np.concatenate([da_r, da_z, da_xn], axis=-1)  # (B, 3H), blocks r, z, n
        da_h_all[t] = np.concatenate([da_r, da_z, da_hn], axis=-1)
        # a_h = W_h h_{t-1} + b_h
        dh_next = dh_prev + weighted_sum(params.W_h.T, da_h_all[t])  # dL/dh_{t-1} = ... + da_h W_h, (B, H)
    return da_x_all, da_h_all, dh_total, dh_next


# The fast path ---------------------------------------------------------------------------------------------------
# The same equations as the loops above, for training on long sequences and the benchmarks: BLAS products,
# buffers reused in place, and in the backward the gates' slopes of all steps at once.


def _forward_fast(params, xs, h0, batched):
    """``gru_forward`` for checked inputs xs (T, B, D) and h0 (B, H): a GEMM for the input half, σ inlined."""
    T, B, _ = xs.shape
    H = params.hidden_size
    r, z, n, a_hn, h = (np.empty((T, B, H)) for _ in range(5))
    a_x = xs @ params.W_x.T + params.b_x  # (T, B, 3H): the input half of every step, in one GEMM
    W_hT = params.W_h.T  # (H, 3H)
    h_prev = h0
    with np.errstate(over="ignore"):  # σ's e^(-v) = inf for v < -709 gives σ = 0 exactly
        for t in range(T):
            a_xr, a_xz, a_xn = blocks(a_x[t], H)  # (B, H) each
            a_h = h_prev @ W_hT + params.b_h  # (B, 3H)
            a_hr, a_hz, a_hn[t] = blocks(a_h, H)
            r[t] = 1.0 / (1.0 + np.exp(-(a_xr + a_hr)))  # r = σ(a_xr + a_hr)
            z[t] = 1.0 / (1.0 + np.exp(-(a_xz + a_hz)))  # z = σ(a_xz + a_hz)
            n[t] = np.tanh(a_xn + r[t] * a_hn[t])  # n = tanh(a_xn + r ⊙ a_hn)
            h[t] = (1.0 - z[t]) * n[t] + z[t] * h_prev  # h = (1 - z) ⊙ n + z ⊙ h_{t-1}
            h_prev = h[t]
    y = readout(params, h)  # (T, B, O) or None, in the fixed order of every printed readout
    return GRUTrace(xs=xs, h0=h0, r_all=r, z_all=z, n_all=n, a_hn=a_hn, h_all=h, y_all=y, batched=batched)


def _backward_fast(params, trace, dh):
    """``_backward_steps`` with buffers written in place, and what needs only the forward's values computed for
    all steps at once. The same operations in the same order as the GEMM backward before the plain path came
    (bit for bit what it gave)."""
    T, B, H = trace.h_all.shape
    r_all, z_all, n_all = trace.r_all, trace.z_all, trace.n_all
    h_prev_all = np.concatenate([trace.h0[None], trace.h_all[:-1]])  # (T, B, H)
    # the factors the loop multiplies by, all steps at once
    keep = 1.0 - z_all  # 1 - z_t
    r_keep = 1.0 - r_all  # 1 - r_t
    n_slope = 1.0 - n_all**2  # tanh'(.) = 1 - n_t²
    h_minus_n = h_prev_all - n_all  # h_{t-1} - n_t
    da_x = np.empty((T, B, 3 * H))
    da_h = np.empty((T, B, 3 * H))
    dh_total = np.empty((T, B, H))
    dh_next = np.zeros((B, H))
    for t in reversed(range(T)):
        dh_t = dh_total[t]
        np.add(dh[t], dh_next, out=dh_t)  # (B, H) from the loss at t and from step t + 1
        da_xr, da_xz, da_xn = blocks(da_x[t], H)  # views, filled below
        da_hr, da_hz, da_hn = blocks(da_h[t], H)
        np.multiply(dh_t, keep[t], out=da_xn)  # dn = dh_t (1 - z_t)
        da_xn *= n_slope[t]  # da_xn = dn (1 - n_t²)
        np.multiply(da_xn, r_all[t], out=da_hn)  # da_hn = da_xn r_t
        np.multiply(dh_t, h_minus_n[t], out=da_xz)  # dL/dz_t = dh_t (h_{t-1} - n_t)
        da_xz *= z_all[t]  # da_z = dL/dz_t z_t (1 - z_t)
        da_xz *= keep[t]
        da_hz[:] = da_xz
        np.multiply(da_xn, trace.a_hn[t], out=da_xr)  # dr = da_xn a_hn
        da_xr *= r_all[t]  # da_r = dr r_t (1 - r_t)
        da_xr *= r_keep[t]
        da_hr[:] = da_xr
        dh_next = dh_t * z_all[t]  # dh_{t-1}: the direct path, gated by z_t,
        dh_next += da_h[t] @ params.W_h  #    + da_h W_h
    return da_x, da_h, dh_total, dh_next


__all__ = ["GRU_GATES", "GRU_GATE_NAMES", "GRUParams", "GRUTrace", "gru_forward", "gru_backward"]
