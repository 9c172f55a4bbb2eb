"""The two worked examples the suite grew out of (shared/seeds), as LSTMParams.

Only the seeds' inputs live here; the numbers they printed are checked in the tests.
"""

import numpy as np

from .params import LSTMParams

SEQUENCE = (1, 2, 3)  # both seeds read 1, 2, 3 and want 4 next
EXPECTED_NEXT = 4

# scalar_lstm_worked_example.txt: (W_x, W_h, b) per gate, H = D = 1
SCALAR_GATES = {
    "forget": (0.5, 0.1, 0),
    "input": (0.6, 0.2, 0),
    "cell": (0.7, 0.3, 0),
    "output": (0.8, 0.4, 0),
}
SCALAR_READOUT = 4.0  # the seed's hand-picked y = 4 h_T

# vector_lstm_worked_example.txt: (H, D+H) matrices over [x; h], H = 2, D = 1
VECTOR_CONCAT = {
    "Wf": [[0.7, 0.2, 0.3], [0.6, 0.3, 0.1]],
    "Wi": [[0.2, 0.4, 0.1], [0.1, 0.5, 0.2]],
    "Wc": [[0.5, 0.3, 0.2], [0.2, 0.4, 0.1]],
    "Wo": [[0.1, 0.5, 0.3], [0.2, 0.3, 0.4]],
    "bf": [[0.5], [0.4]],
    "bi": [[0.1], [0.2]],
    "bc": [[0.3], [0.1]],
    "bo": [[0.2], [0.1]],
    "Wy": [[0.6, 0.4]],
    "by": [[0.1]],
}


def scalar_example():
    """``(params, xs)`` of the scalar seed, with its ``4 h_T`` as the readout W_y = 4, b_y = 0."""
    params = LSTMParams.from_gates(**SCALAR_GATES, W_y=SCALAR_READOUT, b_y=0.0)
    return params, np.array(SEQUENCE, dtype=np.float64)


def vector_example():
    """``(params, xs)`` of the vector seed, readout included."""
    return LSTMParams.from_concat(**VECTOR_CONCAT), np.array(SEQUENCE, dtype=np.float64)
