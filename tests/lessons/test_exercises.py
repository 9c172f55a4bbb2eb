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
