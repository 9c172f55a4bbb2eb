"""Input validation: bad input becomes a clear ValueError or TypeError, never a numpy traceback."""

import numbers

import numpy as np


def as_float_array(name, value):
    """Return ``value`` as a float64 array, or raise a message that names ``name``.

    Python ints, floats and (nested) lists are accepted; strings, objects,
    complex numbers, NaN and inf are not.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name}: expected numbers, got a string {value!r}")
    if isinstance(value, np.ndarray):
        arr = value
    else:
        try:
            arr = np.asarray(value)
        except ValueError as exc:  # ragged nested lists
            raise ValueError(f"{name}: could not be read as a regular array ({exc})") from None
    if arr.dtype == object:
        raise TypeError(f"{name}: expected numbers, got an object array (a ragged list or a non-number inside?)")
    if arr.dtype.kind in "USV":
        raise TypeError(f"{name}: expected numbers, got text of dtype {arr.dtype}")
    if arr.dtype.kind == "c":
        raise TypeError(f"{name}: expected real numbers, got complex dtype {arr.dtype}")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name}: expected numbers, got dtype {arr.dtype}")
    arr = arr.astype(np.float64, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: contains NaN or inf; every value must be a finite number")
    return arr


def expect_shape(name, arr, shape):
    """Raise unless ``arr.shape`` matches ``shape`` (``None`` entries match any size)."""
    ok = arr.ndim == len(shape) and all(s is None or s == a for s, a in zip(shape, arr.shape))
    if not ok:
        want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
        raise ValueError(f"{name}: expected shape {want}, got {tuple(arr.shape)}")
    return arr


def expect_int(name, value, minimum=1):
    """A whole number of at least ``minimum`` (sizes, counts, seeds)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected a whole number, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name}: expected at least {minimum}, got {value}")
    return int(value)


def as_scalar(name, value):
    """One finite number as a float, or a clear error naming ``name`` (a slider's value, a bias)."""
    arr = as_float_array(name, value)
    if arr.ndim != 0:
        raise ValueError(f"{name}: expected one number, got an array of shape {tuple(arr.shape)}")
    return float(arr)
