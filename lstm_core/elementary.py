"""σ and tanh for everything the lessons print.

This module is the one place the plain (reading) path takes its elementary functions from:
``sigmoid(z)`` and ``tanh(z)``, elementwise on float64 arrays. (Placeholder: numpy's own
functions, until the CPU-independent versions land; see issue 17.)
"""

import numpy as np


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(-z)), elementwise; exactly 0 and 1 in the limits, with no overflow warning."""
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(over="ignore", under="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def tanh(z):
    """tanh(z), elementwise."""
    return np.tanh(np.asarray(z, dtype=np.float64))
