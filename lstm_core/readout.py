"""The readout y_t = W_y h_t + b_y, forward and backward: shared by the LSTM, the RNN and the GRU.

Notation
--------
T steps, B sequences in a batch, H hidden units, O readout outputs.
h   : (T, B, H)   hidden states of every step (``trace.h_all``)
W_y : (O, H),  b_y : (O,)
y   : (T, B, O)   the readout of every step
dy  : (T, B, O)   dL/dy_t

Equations (forward  ->  backward)
---------
y_t = W_y h_t + b_y   ->  dW_y = Σ_t dy_tᵀ h_t,  db_y = Σ_t dy_t,  dh_t = dy_t W_y
"""

from .fixed_order import summed_products, weighted_sum
from .checks import as_float_array, expect_shape


def readout(params, h):
    """y = W_y h + b_y for every step, (T, B, H) -> (T, B, O), or None without a readout.

    In a fixed order (``weighted_sum``), so that the printed prediction is the same on every CPU.
    """
    if not params.has_readout:
        return None
    return weighted_sum(params.W_y, h) + params.b_y


def readout_backward(params, trace, dy):
    """Through ``y_t = W_y h_t + b_y``: ``(dW_y, db_y, dh)`` from ``dy`` = dL/dy_t (the shape of ``trace.y``)."""
    if not params.has_readout:
        raise ValueError("readout_backward: these params have no readout (W_y, b_y); give W_y when building them")
    T, B, H = trace.h_all.shape
    O = params.output_size
    shown = (T, B, O) if trace.batched else (T, O)
    dy = expect_shape("dy", as_float_array("dy", dy), shown).reshape(T, B, O)  # (T, B, O)
    dW_y = summed_products(dy, trace.h_all)  # Σ_t dy_tᵀ h_t, (O, H)
    db_y = dy.sum(axis=(0, 1))  # (O,)
    dh = weighted_sum(params.W_y.T, dy)  # dy W_y, (T, B, H)
    return dW_y, db_y, dh if trace.batched else dh[:, 0]


__all__ = ["readout", "readout_backward"]
