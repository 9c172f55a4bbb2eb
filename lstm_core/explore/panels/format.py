"""How every explorer prints a number: one module, so that the same kind of number reads the same in
every lesson (pictures, tables and equations).

four        a computed value, 4 decimals: 0.6225
small       a norm, a product or a loss spanning many orders of magnitude: 0.0123, 4.56e-07, 0
cell_value  a value in the cell diagram: 4 decimals, from magnitude 100 on 1.2e+02 (labels stay short)
vector_text a vector in the diagram: [a, b], or [a, …] beyond ``MAX_SHOWN`` entries
compact     a heatmap cell: the given format, from magnitude 1000 on 1.2e+03 (fits its cell)
weight      a slider-set weight in an equation: 0.5 as 0.50, a computed number with 4 decimals
or_dash     a table entry that may not exist (a carry before the pulse): '—'
"""

import numpy as np

MAX_SHOWN = 2  # a vector with more entries is printed as [first, …]


def four(v):
    return f"{v:.4f}"


def small(v):
    """4 decimals from 0.001 up, else 3 significant digits in e-notation (these numbers span 60
    orders of magnitude), and 0 as 0."""
    if v == 0.0:
        return "0"
    return f"{v:.4f}" if abs(v) >= 1e-3 else f"{v:.2e}"


def cell_value(value):
    """4 decimals; from magnitude 100 on a compact 1.2e+02, so a label never runs long."""
    value = float(value)
    if np.isfinite(value) and abs(value) >= 100:
        return f"{value:.1e}"
    return f"{value:.4f}"


def vector_text(values):
    """A scalar as ``cell_value``; a vector of up to MAX_SHOWN entries as ``[a, b]``; a longer one as
    ``[a, …]`` (the label has room for two numbers, and the lessons use H <= 2)."""
    values = np.ravel(values)
    if values.size == 1:
        return cell_value(values[0])
    if values.size > MAX_SHOWN:
        return f"[{cell_value(values[0])}, …]"
    return "[" + ", ".join(cell_value(v) for v in values) + "]"


def compact(v, fmt="{:.2f}"):
    """A number that fits its heatmap cell even at slider extremes."""
    return fmt.format(v) if abs(v) < 1e3 else f"{v:.1e}"


def weight(v, digits=4):
    """Short numbers for slider-set weights (0.5 -> 0.50), full 4 decimals for computed values."""
    v = float(v)
    if abs(v) >= 1e4:
        return f"{v:.3e}"
    short = f"{v:.2f}"
    return short if abs(float(short) - v) < 1e-12 else f"{v:.{digits}f}"


def or_dash(v, digits=4):
    """A table number; '—' where no value exists (a carry before the pulse)."""
    return "—" if v is None or not np.isfinite(v) else f"{v:.{digits}f}"
