"""lstm_core.lessons.exercises: each planted mistake gets its own diagnosis, a right answer is called correct,
and a malformed answer is described instead of raising.

The learner's functions here are written out by hand, the way a learner would, each with one slip (or two);
none of them calls the checker's own variants.
"""

import numpy as np
import pytest

from lstm_core import sigmoid
from lstm_core.lessons.exercises import BPTT_MISTAKES, STEP_MISTAKES, check_bptt_line, check_step


# ================================================================================ one step


def make_step(order="ifgo", bias=True, act=(sigmoid, np.tanh), z_state="h", returns="h,c", h_out="tanh(c)"):
    """A learner's step, written plainly; the keyword arguments plant slips."""
    sq, cand = act

    def my_step(params, x, h, c):
        H = len(h)
        z = params.W_x @ x + params.W_h @ (h if z_state == "h" else c)
        if bias:
            z = z + params.b
        blocks = {name: z[k * H : (k + 1) * H] for k, name in enumerate(order)}
        i, f, g, o = sq(blocks["i"]), sq(blocks["f"]), cand(blocks["g"]), sq(blocks["o"])
        c_new = f * c + i * g
        h_new = {"tanh(c)": o * np.tanh(c_new), "c": o * c_new, "tanh(c_prev)": o * np.tanh(c)}[h_out]
        return {"h,c": (h_new, c_new), "c,h": (c_new, h_new), "h_prev,c": (h, c_new)}[returns]

    return my_step


def test_a_right_step_is_correct():
    d = check_step(make_step())
    assert d.correct and d.mistakes == ()
    assert str(d).startswith("Correct") and repr(d) == str(d)


def test_lstm_core_step_itself_is_correct():
    from lstm_core import step

    assert check_step(step).correct  # a third returned item (the gates) is ignored


@pytest.mark.parametrize(
    "slip, key, words",
    [
        (dict(order="figo"), "gate_order", "f, i, g, o"),
        (dict(order="ifog"), "gate_order", "i, f, o, g"),
        (dict(bias=False), "missing_bias", "bias b is missing"),
        (dict(act=(np.tanh, sigmoid)), "sigma_tanh_swapped", "σ and tanh are swapped"),
        (dict(z_state="c"), "c_for_h_in_z", "multiplies c_{t-1}"),
        (dict(returns="c,h"), "h_c_swapped", "h and c are swapped"),
        (dict(returns="h_prev,c"), "old_h_returned", "is h_{t-1}"),
        (dict(h_out="c"), "no_tanh_on_c", "missing a tanh"),
        (dict(h_out="tanh(c_prev)"), "old_c_in_h", "old cell state"),
    ],
)
def test_each_step_mistake_gets_its_own_diagnosis(slip, key, words):
    d = check_step(make_step(**slip))
    assert not d.correct
    assert d.mistakes == (key,), d.message
    assert words in d.message
    assert d.message.startswith("Not yet.")


def test_two_step_mistakes_at_once_are_both_named():
    d = check_step(make_step(bias=False, returns="c,h"))
    assert set(d.mistakes) == {"missing_bias", "h_c_swapped"}
    assert STEP_MISTAKES["missing_bias"] in d.message and STEP_MISTAKES["h_c_swapped"] in d.message


def test_an_unknown_step_mistake_says_which_output_is_off():
    right = make_step()

    def off_by_a_little(params, x, h, c):
        h_new, c_new = right(params, x, h, c)
        return h_new + 0.01, c_new  # c is right, h is not, by no known slip

    d = check_step(off_by_a_little)
    assert not d.correct and d.mistakes == ("unrecognised",)
    assert "h_t differs" in d.message and "c_t is right" in d.message and "0.01" in d.message


@pytest.mark.parametrize(
    "fn, fragment",
    [
        (lambda params, x, h, c: None, "returned NoneType; expected a tuple (h_t, c_t)"),
        (lambda params, x, h, c: (h,), "of length 1; expected a tuple (h_t, c_t)"),
        (lambda params, x, h, c: (np.zeros(5), c), "h_t: expected shape (2,), got (5,)"),
        (lambda params, x, h, c: ("h", c), "h_t: expected an array of numbers, got str"),
        (lambda params, x, h, c: (h * np.nan, c), "h_t: contains NaN or inf"),
        (lambda params, x, h, c: params.W_x @ h, "raised ValueError"),  # a shape error inside the learner's code
        (lambda params, x: (x, x), "raised TypeError"),  # a wrong signature
    ],
)
def test_a_malformed_step_is_described_not_raised(fn, fragment):
    d = check_step(fn)
    assert not d.correct and d.mistakes == ("malformed",)
    assert fragment in d.message, d.message


def test_the_learner_cannot_spoil_the_cases():
    # a step that writes into its inputs must not change the reference's view of the case
    right = make_step()

    def scribbles(params, x, h, c):
        out = right(params, x, h, c)
        h[:] = 99.0
        c[:] = 99.0
        return out

    assert check_step(scribbles).correct


# ================================================================================ the BPTT lines


def make_cell_backward(carry_term=True, h_slope="tanh", carry_gate="f", f_slope="sigma", df_state="c_prev"):
    """A learner's BPTT lines through the cell state, written plainly; the keyword arguments plant slips."""

    def my_cell_backward(dh, dc_next, i, f, g, o, c_prev, c):
        if h_slope == "tanh":
            dc = dh * o * (1 - np.tanh(c) ** 2)
        elif h_slope == "none":
            dc = dh * o
        else:
            dc = dh * o * (1 - c**2)
        if carry_term:
            dc = dc + dc_next
        df = dc * (c_prev if df_state == "c_prev" else c)
        if f_slope == "sigma":
            dz_f = df * f * (1 - f)
        elif f_slope == "none":
            dz_f = df
        elif f_slope == "tanh":
            dz_f = df * (1 - f**2)
        else:
            s = 1 / (1 + np.exp(-f))
            dz_f = df * s * (1 - s)
        dc_prev = dc * {"f": f, "none": 1.0, "i": i, "o": o}[carry_gate]
        return dc_prev, dz_f

    return my_cell_backward


def test_right_bptt_lines_are_correct():
    d = check_bptt_line(make_cell_backward())
    assert d.correct and str(d).startswith("Correct")


def test_the_bptt_reference_agrees_with_central_differences():
    # the checker's "right" answer, checked here against differences of the forward lines of one step:
    # L = Σ dh ⊙ h_t + Σ dc_next ⊙ c_t with h_t = o tanh(c_t), c_t = f c_prev + i g, f = σ(z_f)
    rng = np.random.default_rng(3)
    H = 3
    z_f, c_prev, i, g, o, dh, dc_next = rng.normal(size=(7, H))
    i, o, g = sigmoid(i), sigmoid(o), np.tanh(g)

    def L(z_f, c_prev):
        c = sigmoid(z_f) * c_prev + i * g
        return float(np.sum(dh * o * np.tanh(c)) + np.sum(dc_next * c))

    eps = 1e-6
    num_dz_f = np.array([(L(z_f + eps * e, c_prev) - L(z_f - eps * e, c_prev)) / (2 * eps) for e in np.eye(H)])
    num_dc_prev = np.array([(L(z_f, c_prev + eps * e) - L(z_f, c_prev - eps * e)) / (2 * eps) for e in np.eye(H)])
    f = sigmoid(z_f)
    c = f * c_prev + i * g
    # a learner's function that the checker calls right must give these numbers
    dc_prev, dz_f = make_cell_backward()(dh, dc_next, i, f, g, o, c_prev, c)
    np.testing.assert_allclose(dz_f, num_dz_f, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(dc_prev, num_dc_prev, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize(
    "slip, key, words",
    [
        (dict(carry_term=False), "carry_forgotten", "dc·f term is forgotten"),
        (dict(h_slope="none"), "no_tanh_slope", "tanh slope is missing"),
        (dict(h_slope="c"), "tanh_slope_of_c", "not 1 - c_t²"),
        (dict(carry_gate="none"), "carry_without_f", "misses the forget gate"),
        (dict(carry_gate="i"), "carry_times_i", "multiplied by i"),
        (dict(carry_gate="o"), "carry_times_o", "multiplied by o"),
        (dict(f_slope="none"), "no_sigma_slope", "misses the σ' slope"),
        (dict(f_slope="tanh"), "tanh_slope_for_f", "tanh slope 1 - f²"),
        (dict(f_slope="sigma_again"), "sigma_of_f", "takes σ of f again"),
        (dict(df_state="c"), "df_with_new_c", "df uses the new c_t"),
    ],
)
def test_each_bptt_mistake_gets_its_own_diagnosis(slip, key, words):
    d = check_bptt_line(make_cell_backward(**slip))
    assert not d.correct
    assert d.mistakes == (key,), d.message
    assert words in d.message


def test_two_bptt_mistakes_at_once_are_both_named():
    d = check_bptt_line(make_cell_backward(carry_term=False, f_slope="none"))
    assert set(d.mistakes) == {"carry_forgotten", "no_sigma_slope"}
    assert BPTT_MISTAKES["carry_forgotten"] in d.message and BPTT_MISTAKES["no_sigma_slope"] in d.message


@pytest.mark.parametrize(
    "fn, fragment",
    [
        (lambda dh, dc_next, i, f, g, o, c_prev, c: dc_next * f, "returned ndarray; expected a tuple (dc_prev, dz_f)"),
        (lambda dh, dc_next, i, f, g, o, c_prev, c: (dc_next, None), "dz_f: expected shape (3,), got ()"),
        (lambda dh, dcn, i, f, g, o, c_prev, c: (dcn, dcn), "name the parameters exactly so"),
        (lambda dh, dc_next, i, f, g, o, c_prev, c: (dh, dh @ np.ones((2, 2))), "raised ValueError"),
    ],
)
def test_a_malformed_bptt_answer_is_described_not_raised(fn, fragment):
    d = check_bptt_line(fn)
    assert not d.correct and d.mistakes == ("malformed",)
    assert fragment in d.message, d.message


def test_an_unknown_bptt_mistake_says_which_output_is_off():
    right = make_cell_backward()

    def doubled(**v):
        dc_prev, dz_f = right(**v)
        return dc_prev, 2 * dz_f

    d = check_bptt_line(doubled)
    assert d.mistakes == ("unrecognised",) and "dz_f differs" in d.message and "dc_prev is right" in d.message


# ================================================================================ slips the numbers alone cannot name
# i and f are both σ gates, so exchanging them in the slicing or in the update line gives the very same numbers;
# the checker reads the update line to tell them apart.


def step_with_swapped_update(params, x, h, c):
    H = len(h)
    z = params.W_x @ x + params.W_h @ h + params.b
    i, f, g, o = z[:H], z[H : 2 * H], z[2 * H : 3 * H], z[3 * H :]  # the slicing is right
    i, f, g, o = sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o)
    c_new = i * c + f * g  # the slip: i keeps the old cell, f writes
    h_new = o * np.tanh(c_new)
    return h_new, c_new


def step_with_swapped_slicing(params, x, h, c):
    H = len(h)
    z = params.W_x @ x + params.W_h @ h + params.b
    f, i, g, o = z[:H], z[H : 2 * H], z[2 * H : 3 * H], z[3 * H :]  # the slip: the first block is i, not f
    i, f, g, o = sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o)
    c_new = f * c + i * g
    h_new = o * np.tanh(c_new)
    return h_new, c_new


def step_with_other_names(params, x, h_prev, c_prev):
    H = len(h_prev)
    z = params.W_x @ x + params.W_h @ h_prev + params.b
    gi, gf, gg, go = sigmoid(z[:H]), sigmoid(z[H : 2 * H]), np.tanh(z[2 * H : 3 * H]), sigmoid(z[3 * H :])
    c_t = c_prev * gi + gg * gf  # the same slip as step_with_swapped_update, written another way
    return go * np.tanh(c_t), c_t


def test_a_swapped_update_line_is_told_apart_from_wrong_slicing():
    d = check_step(step_with_swapped_update)
    assert d.mistakes == ("update_swapped",), d.message
    assert "update line" in d.message and "multiplies c_{t-1} by i" in d.message
    assert "wrong order" not in d.message  # not the slicing, which is right
    d = check_step(step_with_swapped_slicing)
    assert d.mistakes == ("gate_order",), d.message
    assert "f, i, g, o" in d.message and "update line" not in d.message
    d = check_step(step_with_other_names)
    assert d.mistakes == ("update_swapped",) and "multiplies c_{t-1} by gi" in d.message, d.message


def test_an_i_f_exchange_without_readable_source_names_both_places():
    namespace = {"np": np, "sigmoid": sigmoid}
    exec(compile(inspect_free_source, "<no file>", "exec"), namespace)  # no source for inspect to read
    d = check_step(namespace["my_step"])
    assert d.mistakes == ("i_f_exchanged",), d.message
    assert "slicing" not in d.message or "either" in d.message
    assert "either z's blocks are read as f, i" in d.message and "update line" in d.message


inspect_free_source = """
def my_step(params, x, h, c):
    H = len(h)
    z = params.W_x @ x + params.W_h @ h + params.b
    i, f, g, o = sigmoid(z[:H]), sigmoid(z[H:2*H]), np.tanh(z[2*H:3*H]), sigmoid(z[3*H:])
    c_new = i * c + f * g
    return o * np.tanh(c_new), c_new
"""


def test_update_line_gate_reads_the_name_beside_the_old_cell():
    from lstm_core.lessons.exercises import update_line_gate

    assert update_line_gate(step_with_swapped_update) == "i"
    assert update_line_gate(step_with_swapped_slicing) == "f"
    assert update_line_gate(step_with_other_names) == "gi"
    assert update_line_gate(len) is None  # a builtin has no Python source


def skeleton_step(params, x, h, c):
    H = len(h)
    z = params.W_x @ x + params.W_h @ h + params.b
    raise NotImplementedError("my_step is not written yet")


def skeleton_cell_backward(dh, dc_next, i, f, g, o, c_prev, c):
    dc = dh * o * (1 - np.tanh(c) ** 2) + dc_next
    raise NotImplementedError("my_cell_backward is not written yet")


def test_a_skeleton_is_not_written_yet_and_gets_no_diagnosis():
    for check, fn in ((check_step, skeleton_step), (check_bptt_line, skeleton_cell_backward)):
        d = check(fn)
        assert not d.correct and d.mistakes == ("not_written",)
        assert d.message.startswith(f"Not written yet: {fn.__name__} still raises NotImplementedError"), d.message
        assert "Not yet" not in d.message and "=" not in d.message  # no diagnosis, no formula


def test_bptt_outputs_returned_in_swapped_order_are_named():
    right = make_cell_backward()

    def swapped(dh, dc_next, i, f, g, o, c_prev, c):
        dc_prev, dz_f = right(dh, dc_next, i, f, g, o, c_prev, c)
        return dz_f, dc_prev

    d = check_bptt_line(swapped)
    assert d.mistakes == ("outputs_swapped",), d.message
    assert "You return (dz_f, dc_prev)" in d.message
    # together with a slip in a line, both are named
    slipped = make_cell_backward(f_slope="none")
    d = check_bptt_line(lambda **v: slipped(**v)[::-1])
    assert set(d.mistakes) == {"outputs_swapped", "no_sigma_slope"}, d.message


# the right lines, as a fallback message must never spell them out
BPTT_SOLUTION = ("dc_prev = dc f", "dc f", "f (1 - f)", "df = dc c_prev", "dc_t f_t", "dh o (1 - tanh²(c))")
STEP_SOLUTION = ("c_t = f ⊙ c_{t-1} + i ⊙ g", "h_t = o ⊙ tanh(c_t)", "σ on i, f, o", "i, f, g, o of z")


@pytest.mark.parametrize("which", ["dz_f", "dc_prev", "both"])
def test_the_bptt_fallback_points_at_lines_without_giving_the_solution(which):
    right = make_cell_backward()

    def off(**v):
        dc_prev, dz_f = right(**v)
        return (dc_prev + (0.3 if which != "dz_f" else 0.0), dz_f * (1.7 if which != "dc_prev" else 1.0))

    d = check_bptt_line(off)
    assert d.mistakes == ("unrecognised",)
    assert not [s for s in BPTT_SOLUTION if s in d.message], d.message
    expected = {"dz_f": "line of df or of dz_f", "dc_prev": "line of dc_prev", "both": "start with the line of dc"}
    assert expected[which] in d.message, d.message


@pytest.mark.parametrize("which, words", [("h", "the slip is in the line of h_t"), ("c", "the blocks of z, their "
                                                                                          "squashes and the update")])
def test_the_step_fallback_points_at_lines_without_giving_the_solution(which, words):
    right = make_step()

    def off(params, x, h, c):
        h_new, c_new = right(params, x, h, c)
        return (h_new * 1.1, c_new) if which == "h" else (h_new * 1.1, c_new * 1.1)

    d = check_step(off)
    assert d.mistakes == ("unrecognised",)
    assert not [s for s in STEP_SOLUTION if s in d.message], d.message
    assert words in d.message, d.message


# ================================================================================ the notebooks' exercise cells

NOTEBOOKS = __import__("pathlib").Path(__file__).resolve().parents[2] / "notebooks"


def _cells(name):
    import json

    (path,) = NOTEBOOKS.glob(name)
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _stored_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        parts.append("".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", "")))
    return "".join(parts)


@pytest.mark.parametrize("name, checker, function", [("02_*.ipynb", check_step, "my_step"),
                                                     ("05_*.ipynb", check_bptt_line, "my_cell_backward")])
def test_the_notebook_exercise_is_a_skeleton_its_stored_output_not_written_yet_and_its_solution_right(
        name, checker, function):
    cells = _cells(name)
    (skeleton,) = [c for c in cells if c["cell_type"] == "code" and f"def {function}(" in "".join(c["source"])]
    (checked,) = [c for c in cells if c["cell_type"] == "code" and f"{checker.__name__}({function})"
                  in "".join(c["source"])]
    source = "".join(skeleton["source"])
    assert "raise NotImplementedError" in source
    stored = _stored_text(checked)
    assert stored.strip("'\n").startswith("Not written yet:"), stored
    assert "Not yet." not in stored and "Correct" not in stored  # the stored page shows no diagnosis, no fix
    # the skeleton, run as stored, is what the checker calls not written
    namespace = {"np": np, "sigmoid": sigmoid, checker.__name__: checker}
    exec(compile(source, "<skeleton>", "exec"), namespace)
    assert checker(namespace[function]).mistakes == ("not_written",)
    # the solution shown under "Show the solution" is right
    (solution,) = [c for c in cells if c["cell_type"] == "markdown" and "Show the solution" in "".join(c["source"])]
    code = "".join(solution["source"]).split("```python\n", 1)[1].split("```", 1)[0]
    namespace = {"np": np, "sigmoid": sigmoid}
    exec(compile(code, "<solution>", "exec"), namespace)
    assert checker(namespace[function]).correct
