"""The gate constants: one source for the math, the docstrings and every plot label."""

# PyTorch's order; the stacked rows of W_x, W_h and b follow it.
GATES = ("i", "f", "g", "o")

GATE_NAMES = {
    "i": "input gate",
    "f": "forget gate",
    "g": "candidate",
    "o": "output gate",
}

# Everything a Trace records per step, in the order the lessons show it.
QUANTITIES = ("i", "f", "g", "c", "o", "h")

QUANTITY_NAMES = {
    **GATE_NAMES,
    "c": "cell state",
    "h": "hidden state",
}

# Gates squashed by σ lie in [0, 1]; the candidate (tanh) and h lie in [-1, 1].
SIGMOID_GATES = ("i", "f", "o")
