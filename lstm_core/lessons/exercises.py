"""Exercise checkers that say what went wrong: one LSTM step, and the BPTT lines through the cell state.

The learner's function is run on random cases and compared with ``lstm_core.step`` (or with the
derivatives written below); when it differs, the checker tries the plausible slips, alone and together,
and names the ones that reproduce the learner's numbers exactly. A malformed return value or an
exception is described, never passed on as a traceback.

Exercise 1: one step (the signature a notebook cell ships, with a deliberate bug for the learner)::

    def my_step(params, x, h, c):
        z = params.W_x @ x + params.W_h @ h + params.b      # (4H,), blocks i, f, g, o
        H = len(h)
        i, f, g, o = z[:H], z[H:2*H], z[2*H:3*H], z[3*H:]
        i, f, g, o = sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o)
        c_new = f * c + i * g
        h_new = o * np.tanh(c_new)
        return h_new, c_new

    check_step(my_step)

Exercise 2: the cell's lines of backpropagation through time, for one step t::

    def my_cell_backward(dh, dc_next, i, f, g, o, c_prev, c):
        dc = dh * o * (1 - np.tanh(c) ** 2) + dc_next   # dL/dc_t: through h_t, plus dc_{t+1} f_{t+1}
        df = dc * c_prev                                # c_t = f c_{t-1} + i g
        dz_f = df * f * (1 - f)                         # f = σ(z_f): the slope σ' = f (1 - f)
        dc_prev = dc * f                                # carried back to c_{t-1}
        return dc_prev, dz_f

    check_bptt_line(my_cell_backward)

Notation
--------
H hidden units, D inputs; x (D,), h = h_{t-1} (H,), c = c_{t-1} (H,); z = W_x x + W_h h + b (4H,).
dh = dL/dh_t (from the loss at t and from step t + 1), dc_next = dc_{t+1} f_{t+1} (what step t + 1 carried
back into c_t), dc = dL/dc_t in total, dc_prev = dL/dc_{t-1} through c_t, dz_f = dL/dz_f.
"""

import itertools
from dataclasses import dataclass, field

import numpy as np

from ..cell import sigmoid, step, tanh
from ..gates import GATES
from ..params import LSTMParams

#: the learner's numbers must agree with the reference (or a slip) this closely, entry by entry
TOLERANCE = 1e-9
CASES = 4


@dataclass
class Diagnosis:
    """What a checker found: ``correct``, the ``mistakes`` it recognised (short keys) and the ``message`` in words.

    Shown in a notebook (or printed) as its message.
    """

    correct: bool
    message: str
    mistakes: tuple = field(default_factory=tuple)

    def __str__(self):
        return self.message

    __repr__ = __str__


# ================================================================================ exercise 1: one step

#: the slips check_step recognises, and how each is said
STEP_MISTAKES = {
    "gate_order": "The gate blocks are read in the wrong order: your code takes the rows of z as {order}, but they "
                  "are stacked i, f, g, o (lstm_core.GATES): rows 0..H-1 are i, H..2H-1 are f, then g, then o.",
    "missing_bias": "The bias b is missing: z = W_x x + W_h h_{t-1} + b.",
    "sigma_tanh_swapped": "σ and tanh are swapped: the gates i, f, o take σ (values between 0 and 1), the "
                          "candidate g takes tanh (values between -1 and 1).",
    "c_for_h_in_z": "W_h multiplies c_{t-1} where it should multiply h_{t-1}: the gates read the previous hidden "
                    "state h, not the cell state c.",
    "h_c_swapped": "h and c are swapped in what you return: return (h_t, c_t), the hidden state first.",
    "old_h_returned": "The h you return is h_{t-1}, the one you were given (h_t was never computed or not "
                      "returned): return the new h_t = o ⊙ tanh(c_t).",
    "no_tanh_on_c": "h_t is missing a tanh: h_t = o ⊙ tanh(c_t), not o ⊙ c_t.",
    "old_c_in_h": "h_t uses the old cell state: h_t = o ⊙ tanh(c_t) with the new c_t, not c_{t-1}.",
}


def _variant_step(params, x, h, c, order=GATES, bias=True, swapped=False, z_reads="h", out="h,c", h_from="tanh c"):
    """One step with the given slips (the defaults are the right step); returns (h', c')."""
    H = len(h)
    z = params.W_x @ x + params.W_h @ (h if z_reads == "h" else c) + (params.b if bias else 0.0)
    block = {name: z[k * H : (k + 1) * H] for k, name in enumerate(order)}  # the learner's reading of z
    squash, cand = (tanh, sigmoid) if swapped else (sigmoid, tanh)
    i, f, g, o = squash(block["i"]), squash(block["f"]), cand(block["g"]), squash(block["o"])
    c_new = f * c + i * g
    h_new = {"tanh c": o * tanh(c_new), "c": o * c_new, "tanh c_prev": o * tanh(c)}[h_from]
    return {"h,c": (h_new, c_new), "c,h": (c_new, h_new), "h_prev,c": (h, c_new)}[out]


def _step_variants():
    """Every combination of slips, as (mistake keys, keyword arguments of _variant_step), fewest slips first."""
    options = [
        [((), {})] + [(("gate_order",), {"order": p}) for p in itertools.permutations(GATES) if p != GATES],
        [((), {}), (("missing_bias",), {"bias": False})],
        [((), {}), (("sigma_tanh_swapped",), {"swapped": True})],
        [((), {}), (("c_for_h_in_z",), {"z_reads": "c"})],
        [((), {}), (("h_c_swapped",), {"out": "c,h"}), (("old_h_returned",), {"out": "h_prev,c"})],
        [((), {}), (("no_tanh_on_c",), {"h_from": "c"}), (("old_c_in_h",), {"h_from": "tanh c_prev"})],
    ]
    combos = []
    for parts in itertools.product(*options):
        keys = sum((k for k, _ in parts), ())
        kwargs = {k: v for _, kw in parts for k, v in kw.items()}
        combos.append((keys, kwargs))
    return sorted(combos, key=lambda kv: len(kv[0]))


def step_cases(n=CASES, seed=0, D=3, H=2):
    """Random cases (params, x, h, c): distinct gate biases and non-zero states, so that every slip shows."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        params = LSTMParams(W_x=rng.normal(0, 0.8, (4 * H, D)), W_h=rng.normal(0, 0.8, (4 * H, H)),
                            b=rng.normal(0, 0.5, 4 * H) + np.repeat([0.3, 1.0, -0.4, 0.6], H))
        out.append((params, rng.normal(size=D), rng.normal(0, 0.7, H), rng.normal(0, 0.7, H)))
    return out


def _call(fn, args, kwargs, n_out, names):
    """Run the learner's function; return (outputs as float arrays, None) or (None, what went wrong in words)."""
    try:
        got = fn(*args, **kwargs)
    except Exception as exc:  # the learner's code: any error becomes a sentence, never a traceback
        return None, f"Your function raised {type(exc).__name__}: {exc}"
    if not isinstance(got, (tuple, list)) or len(got) < n_out:
        return None, (f"Your function returned {type(got).__name__}"
                      f"{'' if not isinstance(got, (tuple, list)) else f' of length {len(got)}'}; "
                      f"expected a tuple ({', '.join(names)}).")
    arrays = []
    for name, value in zip(names, got[:n_out]):
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            return None, f"{name}: expected an array of numbers, got {type(value).__name__} {value!r:.60}"
        arrays.append(arr)
    return arrays, None


def _shape_problem(names, arrays, shape):
    for name, arr in zip(names, arrays):
        if arr.shape != shape:
            return f"{name}: expected shape {shape}, got {arr.shape}."
        if not np.all(np.isfinite(arr)):
            return f"{name}: contains NaN or inf; expected finite numbers."
    return None


def _close(a, b):
    return all(np.allclose(x, y, rtol=0, atol=TOLERANCE) for x, y in zip(a, b))


def _describe(keys, messages, **fill):
    """The messages of ``keys``, with ``{name}`` filled in from ``fill`` (plain replace: the messages hold braces)."""
    said = []
    for k in keys:
        text = messages[k]
        for name, value in fill.items():
            text = text.replace("{" + name + "}", value)
        said.append(text)
    return " ".join(said)


def check_step(fn, n_cases=CASES, seed=0):
    """Check ``fn(params, x, h, c) -> (h_t, c_t)`` against ``lstm_core.step`` and say what is wrong, if anything.

    ``x`` (D,), ``h`` = h_{t-1} and ``c`` = c_{t-1} (H,), ``params`` an LSTMParams (W_x, W_h, b). A third
    returned item (such as lstm_core.step's gates) is ignored. Returns a Diagnosis.
    """
    names = ("h_t", "c_t")
    cases = step_cases(n_cases, seed)
    got_all = []
    for params, x, h, c in cases:
        got, problem = _call(fn, (params, x.copy(), h.copy(), c.copy()), {}, 2, names)
        problem = problem or _shape_problem(names, got, h.shape)
        if problem:
            return Diagnosis(False, f"{problem} (called as fn(params, x, h, c) with x of shape {x.shape}, "
                                    f"h and c of shape {h.shape})", ("malformed",))
        got_all.append(got)
    right = [step(p, x, h, c)[:2] for p, x, h, c in cases]
    if all(_close(g, r) for g, r in zip(got_all, right)):
        return Diagnosis(True, f"Correct: your step gives lstm_core.step's h_t and c_t on all {n_cases} random cases.")
    for keys, kwargs in _step_variants():
        if keys and all(_close(g, _variant_step(p, x, h, c, **kwargs)) for g, (p, x, h, c) in zip(got_all, cases)):
            order = ", ".join(kwargs.get("order", GATES))
            return Diagnosis(False, "Not yet. " + _describe(keys, STEP_MISTAKES, order=order), keys)
    return Diagnosis(False, "Not yet. " + _unrecognised(got_all, right, names) + " Check, in this order: the gate "
                     "blocks i, f, g, o of z = W_x x + W_h h + b; σ on i, f, o and tanh on g; "
                     "c_t = f ⊙ c_{t-1} + i ⊙ g; h_t = o ⊙ tanh(c_t).", ("unrecognised",))


def _unrecognised(got_all, right, names):
    """Which outputs differ, and by how much, when no known slip explains them."""
    wrong = [n for k, n in enumerate(names) if not all(np.allclose(g[k], r[k], rtol=0, atol=TOLERANCE)
                                                      for g, r in zip(got_all, right))]
    ok = [n for n in names if n not in wrong]
    worst = max(float(np.max(np.abs(g[names.index(n)] - r[names.index(n)]))) for n in wrong for g, r in
                zip(got_all, right))
    said = f"{' and '.join(wrong)} {'differs' if len(wrong) == 1 else 'differ'} from the right values " \
           f"(by up to {worst:.3g})"
    return said + (f", while {' and '.join(ok)} {'is' if len(ok) == 1 else 'are'} right." if ok else ".")


# ============================================================================ exercise 2: BPTT lines

#: the slips check_bptt_line recognises, and how each is said
BPTT_MISTAKES = {
    "carry_forgotten": "The dc·f term is forgotten: dc_t gets dh_t o_t (1 - tanh²(c_t)) through h_t plus dc_next = "
                       "dc_{t+1} f_{t+1}, the gradient carried back from step t + 1 along the cell state.",
    "no_tanh_slope": "The tanh slope is missing on the h path: h_t = o tanh(c_t), so dc_t gets dh_t o_t "
                     "(1 - tanh²(c_t)), not dh_t o_t.",
    "tanh_slope_of_c": "The tanh slope is taken of c, not of tanh(c): it is 1 - tanh²(c_t), not 1 - c_t².",
    "carry_without_f": "dc_prev misses the forget gate: c_t = f_t c_{t-1} + ..., so dL/dc_{t-1} = dc_t f_t, "
                       "not dc_t.",
    "carry_times_i": "dc_prev is multiplied by i where f belongs: the term holding c_{t-1} is f_t c_{t-1}, so "
                     "dL/dc_{t-1} = dc_t f_t.",
    "carry_times_o": "dc_prev is multiplied by o where f belongs: dL/dc_{t-1} = dc_t f_t.",
    "no_sigma_slope": "dz_f misses the σ' slope: f = σ(z_f), so dz_f = df σ'(z_f) = df f (1 - f).",
    "tanh_slope_for_f": "dz_f uses the tanh slope 1 - f²; f is a σ gate, whose slope is f (1 - f).",
    "sigma_of_f": "dz_f takes σ of f again: the slope is σ'(z_f) = f (1 - f) written with f = σ(z_f) itself, "
                  "not σ(f) (1 - σ(f)).",
    "df_with_new_c": "df uses the new c_t: the forget gate multiplies c_{t-1}, so df = dc_t c_{t-1}.",
}

BPTT_ARGUMENTS = ("dh", "dc_next", "i", "f", "g", "o", "c_prev", "c")


def _variant_bptt(v, dc_from="right", carry="f", slope="right", df_from="c_prev"):
    """The two results (dc_prev, dz_f) with the given slips (the defaults are right), from the case ``v``."""
    tanh_c = tanh(v["c"])
    through_h = {"right": v["dh"] * v["o"] * (1 - tanh_c**2), "no_slope": v["dh"] * v["o"],
                 "slope_of_c": v["dh"] * v["o"] * (1 - v["c"] ** 2)}
    dc = through_h["right" if dc_from == "no_carry" else dc_from] + (0.0 if dc_from == "no_carry" else v["dc_next"])
    dc_prev = dc * {"f": v["f"], "none": 1.0, "i": v["i"], "o": v["o"]}[carry]
    df = dc * v[df_from]
    f = v["f"]
    s = sigmoid(f)  # only for the slip "σ of f again"
    dz_f = df * {"right": f * (1 - f), "none": 1.0, "tanh": 1 - f**2, "sigma_again": s * (1 - s)}[slope]
    return dc_prev, dz_f


def _bptt_variants():
    options = [
        [((), {}), (("carry_forgotten",), {"dc_from": "no_carry"}), (("no_tanh_slope",), {"dc_from": "no_slope"}),
         (("tanh_slope_of_c",), {"dc_from": "slope_of_c"})],
        [((), {}), (("carry_without_f",), {"carry": "none"}), (("carry_times_i",), {"carry": "i"}),
         (("carry_times_o",), {"carry": "o"})],
        [((), {}), (("no_sigma_slope",), {"slope": "none"}), (("tanh_slope_for_f",), {"slope": "tanh"}),
         (("sigma_of_f",), {"slope": "sigma_again"})],
        [((), {}), (("df_with_new_c",), {"df_from": "c"})],
    ]
    combos = []
    for parts in itertools.product(*options):
        keys = sum((k for k, _ in parts), ())
        combos.append((keys, {k: val for _, kw in parts for k, val in kw.items()}))
    return sorted(combos, key=lambda kv: len(kv[0]))


def bptt_cases(n=CASES, seed=0, H=3):
    """Random values of one step, consistent with the forward pass (c = f c_prev + i g), as dicts."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        i, f, o = sigmoid(rng.normal(size=(3, H)))
        g = tanh(rng.normal(size=H))
        c_prev = rng.normal(0, 0.8, H)
        out.append(dict(dh=rng.normal(size=H), dc_next=rng.normal(size=H), i=i, f=f, g=g, o=o, c_prev=c_prev,
                        c=f * c_prev + i * g))
    return out


def check_bptt_line(fn, n_cases=CASES, seed=0):
    """Check ``fn(dh, dc_next, i, f, g, o, c_prev, c) -> (dc_prev, dz_f)`` and say what is wrong, if anything.

    The arguments are passed by name, each (H,). ``dc_prev`` = dL/dc_{t-1} through c_t and ``dz_f`` =
    dL/dz_f of the forget gate (see the module docstring). Returns a Diagnosis.
    """
    names = ("dc_prev", "dz_f")
    cases = bptt_cases(n_cases, seed)
    got_all = []
    for v in cases:
        got, problem = _call(fn, (), {k: val.copy() for k, val in v.items()}, 2, names)
        if problem and ("unexpected keyword" in problem or "positional argument" in problem):
            problem += f" The checker calls fn({', '.join(f'{a}=...' for a in BPTT_ARGUMENTS)}): name the " \
                       "parameters exactly so."
        problem = problem or _shape_problem(names, got, v["c"].shape)
        if problem:
            return Diagnosis(False, problem, ("malformed",))
        got_all.append(got)
    right = [_variant_bptt(v) for v in cases]
    if all(_close(g, r) for g, r in zip(got_all, right)):
        return Diagnosis(True, f"Correct: dc_prev and dz_f agree with the derivatives on all {n_cases} random cases.")
    for keys, kwargs in _bptt_variants():
        if keys and all(_close(g, _variant_bptt(v, **kwargs)) for g, v in zip(got_all, cases)):
            return Diagnosis(False, "Not yet. " + _describe(keys, BPTT_MISTAKES), keys)
    return Diagnosis(False, "Not yet. " + _unrecognised(got_all, right, names) + " Check: dc = dh o (1 - tanh²(c)) "
                     "+ dc_next; df = dc c_prev; dz_f = df f (1 - f); dc_prev = dc f.", ("unrecognised",))


__all__ = ["Diagnosis", "check_step", "check_bptt_line", "STEP_MISTAKES", "BPTT_MISTAKES", "step_cases", "bptt_cases"]
