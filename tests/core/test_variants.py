"""The LSTM variants (Greff et al. 2017): the trace shows what each name says, the forward pass matches a
hand-written step, and every gradient of ``backward`` matches central differences for every variant.

Semantics: no_forget_gate f ≡ 1; no_input_gate i ≡ 1; no_output_gate o ≡ 1; no_output_tanh h = o·c;
coupled_input_forget i = 1 − f.
"""

import numpy as np
import pytest

import lstm_core
from lstm_core import LSTMParams, VARIANTS, backward, forward, step

from helpers.fd import assert_gradient_close, central_difference
from helpers.reference import lstm_step

EPS = 1e-6
RTOL = 1e-6


def test_the_variants_are_the_issue_list():
    assert VARIANTS == ("vanilla", "no_forget_gate", "no_input_gate", "no_output_gate", "no_output_tanh",
                        "coupled_input_forget")
    assert lstm_core.VARIANTS is VARIANTS


def setup(D=2, H=3, T=5, B=None, seed=3):
    """Random weights with distinct non-zero biases, non-zero h0 and c0."""
    rng = np.random.default_rng(seed)
    params = LSTMParams(W_x=rng.normal(0, 0.6, (4 * H, D)), W_h=rng.normal(0, 0.6, (4 * H, H)),
                        b=rng.uniform(-1, 1, 4 * H))
    lead = (T,) if B is None else (T, B)
    state = (H,) if B is None else (B, H)
    return params, rng.normal(0, 1, lead + (D,)), rng.normal(0, 0.5, state), rng.normal(0, 0.5, state)


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_trace_shows_what_the_name_says(variant):
    params, xs, h0, c0 = setup()
    tr = forward(params, xs, h0, c0, variant=variant)
    assert tr.variant == variant
    ones = np.ones_like(tr.f)
    assert np.array_equal(tr.f, ones) == (variant == "no_forget_gate")
    assert np.array_equal(tr.i, ones) == (variant == "no_input_gate")
    assert np.array_equal(tr.o, ones) == (variant == "no_output_gate")
    assert np.array_equal(tr.i, 1.0 - tr.f) == (variant == "coupled_input_forget")
    assert np.array_equal(tr.h, tr.o * tr.c) == (variant == "no_output_tanh")
    c_prev = np.concatenate([c0[None], tr.c[:-1]])
    np.testing.assert_allclose(tr.c, tr.f * c_prev + tr.i * tr.g, rtol=0, atol=1e-15)


@pytest.mark.parametrize("variant", VARIANTS)
def test_forward_matches_a_hand_written_step(variant):
    params, xs, h0, c0 = setup()
    tr = forward(params, xs, h0, c0, variant=variant)
    h, c = list(h0), list(c0)
    for t in range(len(xs)):
        want = lstm_step(params.W_x.tolist(), params.W_h.tolist(), params.b.tolist(), xs[t].tolist(), h, c, variant)
        for k in ("i", "f", "g", "o", "c", "h"):
            np.testing.assert_allclose(getattr(tr, k)[t], want[k], rtol=0, atol=1e-14, err_msg=f"{variant} {k} t={t}")
        h, c = want["h"], want["c"]
    # and step() agrees with forward's first step
    h1, c1, gates = step(params, xs[0], h0, c0, variant=variant)
    assert np.array_equal(h1, tr.h[0]) and np.array_equal(c1, tr.c[0])
    assert all(np.array_equal(gates[k], getattr(tr, k)[0]) for k in ("i", "f", "g", "o"))


def test_without_a_forget_gate_c_grows_without_bound_under_steady_input():
    """The picture lesson 08 shows: with f ≡ 1 and a steady input, c_t climbs by about i·g every step."""
    params, _, _, _ = setup(D=1, H=1)
    params.b[:] = [2.0, 0.0, 2.0, 0.0]  # i and g well open; f's own bias 0 (f = σ(..) ≈ 0.5 in vanilla)
    params.W_h[:] = 0.0
    xs = np.ones((200, 1))
    free = forward(params, xs, variant="no_forget_gate").c[:, 0]
    kept = forward(params, xs).c[:, 0]
    assert free[-1] > 50 * kept[-1] > 0
    assert np.all(np.diff(free) > 0.2)  # it keeps climbing
    assert abs(kept[-1] - kept[-100]) < 1e-9  # the vanilla cell settles


def loss_fn(params, xs, h0, c0, R, S, variant):
    def L():
        tr = forward(params, xs, h0, c0, variant=variant)
        return float(np.sum(tr.h * R) + np.sum(tr.c[-1] * S))
    return L


def assert_close(analytic, numeric, what):
    assert_gradient_close(analytic, numeric, what, RTOL)


@pytest.mark.parametrize("batched", [False, True], ids=["one", "batch"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_gradient_matches_central_differences(variant, batched):
    params, xs, h0, c0 = setup(B=2 if batched else None, seed=7)
    rng = np.random.default_rng(11)
    tr = forward(params, xs, h0, c0, variant=variant)
    R = rng.normal(size=tr.h.shape)
    S = rng.normal(size=tr.c[-1].shape)
    grads, dxs, dh0, dc0 = backward(params, tr, R, dc_last=S)
    L = loss_fn(params, xs, h0, c0, R, S, variant)
    for name in ("W_x", "W_h", "b"):
        assert_close(getattr(grads, name), central_difference(L, getattr(params, name), EPS), f"{variant} {name}")
    assert_close(dxs, central_difference(L, xs, EPS), f"{variant} dxs")
    assert_close(dh0, central_difference(L, h0, EPS), f"{variant} dh0")
    assert_close(dc0, central_difference(L, c0, EPS), f"{variant} dc0")


@pytest.mark.parametrize("variant, gate", [("no_forget_gate", "f"), ("no_input_gate", "i"), ("no_output_gate", "o"),
                                           ("coupled_input_forget", "i")])
def test_an_unused_gate_gets_no_gradient(variant, gate):
    params, xs, h0, c0 = setup(seed=5)
    tr = forward(params, xs, h0, c0, variant=variant)
    grads = backward(params, tr, np.ones_like(tr.h))[0]
    for arr in grads.gate(gate):
        assert np.all(arr == 0.0)
    assert all(np.any(a != 0.0) for g in "ifgo" if g != gate for a in grads.gate(g))


@pytest.mark.parametrize("bad", ["peephole", "Vanilla", "", None, 3])
def test_an_unknown_variant_lists_the_valid_ones(bad):
    params, xs, h0, c0 = setup()
    for call in (lambda: forward(params, xs, variant=bad), lambda: step(params, xs[0], variant=bad)):
        with pytest.raises(ValueError) as info:
            call()
        message = str(info.value)
        assert message.startswith("variant: expected one of vanilla, no_forget_gate, no_input_gate, no_output_gate, "
                                  "no_output_tanh, coupled_input_forget")
        assert repr(bad) in message


@pytest.mark.parametrize("variant", VARIANTS)
def test_train_follows_the_variant(variant):
    """A training step with a variant uses that variant's gradients: a fixed gate's weights never move."""
    from lstm_core import train

    rng = np.random.default_rng(2)
    params = LSTMParams.random(1, 2, output_size=1, seed=4)
    xs, ys = rng.normal(size=(6, 5, 1)), rng.normal(size=(5, 1))
    trained, history = train(params, xs, ys, steps=5, lr=0.05, variant=variant)
    fixed = {"no_forget_gate": "f", "no_input_gate": "i", "no_output_gate": "o", "coupled_input_forget": "i"}
    for gate in "ifgo":
        moved = any(np.any(a != b) for a, b in zip(trained.gate(gate), params.gate(gate)))
        assert moved == (fixed.get(variant) != gate), (variant, gate)
    # the loss it reports is the variant's loss
    from lstm_core import mse_loss

    assert history.loss[0] == mse_loss(params, xs, ys, variant=variant)[0]
    if variant != "vanilla":
        assert history.loss[0] != mse_loss(params, xs, ys)[0]
