"""Lesson 09's core: a character-level LSTM on Shakespeare's Sonnets, its samples, and what its units track.

The text is ``lstm_core/data/sonnets.txt`` (see ``lstm_core/data/README.md``: source and licence).
The model reads one character at a time (one-hot, V symbols) and predicts the next at every step
with a softmax readout (``lstm_core.softmax``). It is trained on the fast path with truncated BPTT
(``python -m lstm_core.lessons.l09_text train``). The samples the lesson prints are drawn on the plain path
(the same text on every CPU); the live training and the reading of the whole book run on the fast path, and
the lesson prints their results rounded, far from every rounding boundary (``tests/lessons/test_l09_text.py``).

Notation
--------
V symbols (the characters of the text), H hidden units, B streams, K steps per piece (truncated BPTT).
x_t : (V,)   one-hot of character t;  k_t its index
y_t : (V,)   logits W_y h_t + b_y;  p_t = softmax(y_t / τ) at temperature τ
s   : (T,)   a feature of the text at every character (column in the line, inside a header, ...)
r   : Pearson's correlation of one unit's c_t (or h_t) with s over the held-out text

Equations
---------
L = −1/N Σ_t log p_t[k_(t+1)]               nats per character (× 1/ln 2: bits per character)
truncated BPTT: the text is cut into pieces of K characters; each piece starts from the state the
previous one ended in (carried over, no gradient through it), and its gradient flows back K steps.
sampling: k_(t+1) = the first v with u_t < Σ_(w<=v) p_t[w],  u_t from a fixed random stream
temperature 0: k_(t+1) = argmax_v y_t[v]   (the limit τ -> 0 of softmax(y / τ))
r = Σ (a − ā)(s − s̄) / sqrt(Σ (a − ā)² Σ (s − s̄)²)
"""

import argparse
import json
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from ..params import LSTMParams
from ..softmax import cross_entropy, logits, sequence_loss, sequence_loss_and_grads, cell_only
from ..gradient_descent import Adam, clip_by_global_norm

#: the shipped files, in lstm_core/data/
TEXT_FILE = "sonnets.txt"
WEIGHTS_FILE = "l09_sonnets_weights.npz"
RECORD_FILE = "l09_sonnets_training.json"

#: the held-out text starts at this sonnet's numeral (the last 16 of 154); nothing of it is trained on
HELD_OUT_FROM = "CXXXIX"

#: the shipped model's training: ``python -m lstm_core.lessons.l09_text train`` runs exactly this
SHIPPED = dict(hidden_size=128, steps=5000, piece=64, streams=32, lr=2e-3, clip=5.0, seed=9, forget_bias=1.0)
#: how often the training records the loss (every step's is recorded; the held-out loss every this many)
HELD_OUT_EVERY = 250


# ------------------------------------------------------------------ the text
@lru_cache(maxsize=None)
def text():
    """The whole text of the Sonnets, as shipped (95,728 characters)."""
    return resources.files("lstm_core").joinpath("data", TEXT_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def split():
    """``(train, held_out)``: the text up to sonnet CXXXVIII, and from CXXXIX to the end."""
    full = text()
    cut = full.index("\n" + HELD_OUT_FROM + "\n") + 1
    return full[:cut], full[cut:]


@lru_cache(maxsize=None)
def vocabulary():
    """The symbols, sorted: every character of the text (newline and space included)."""
    return "".join(sorted(set(text())))


def encode(s):
    """Indices (len(s),) of the characters of ``s``; a clear error names a character the model cannot read."""
    index = {ch: k for k, ch in enumerate(vocabulary())}
    unknown = sorted(set(s) - set(index))
    if unknown:
        raise ValueError(f"the model knows only the {len(index)} characters of the Sonnets; "
                         f"not {', '.join(repr(ch) for ch in unknown)}")
    return np.array([index[ch] for ch in s], dtype=np.int64)


def decode(ks):
    v = vocabulary()
    return "".join(v[int(k)] for k in ks)


def one_hot(ks, V=None):
    """(T, V) one-hot rows, or (T, B, V) for (T, B) indices."""
    V = len(vocabulary()) if V is None else V
    ks = np.asarray(ks)
    out = np.zeros(ks.shape + (V,))
    np.put_along_axis(out, ks[..., None], 1.0, axis=-1)
    return out


# ------------------------------------------------------------------ training
def new_model(hidden_size, seed, forget_bias=1.0):
    """Random weights (``LSTMParams.random``) with a readout of V outputs, and b_f = ``forget_bias``."""
    V = len(vocabulary())
    params = LSTMParams.random(V, hidden_size, V, seed=seed)
    params.gate("f")[2][:] = forget_bias
    return params


def streams(ks, B):
    """The text's indices cut into B equal contiguous streams, (L, B): stream b is the b-th part."""
    L = len(ks) // B
    return np.asarray(ks[: L * B]).reshape(B, L).T.copy()


def train_text(hidden_size, steps, piece, streams_n, lr, clip, seed, forget_bias=1.0, fast=True, text_=None,
               held_out_every=None, callback=None):
    """Train a character model with Adam and truncated BPTT; return ``(params, record)``.

    The training text runs as ``streams_n`` parallel streams; each update reads the next ``piece``
    characters of every stream, starting from the state the previous piece ended in (no gradient flows
    into it), and predicts every next character. At the end of the streams the state goes back to zero
    and the streams start over. ``record`` holds the settings, ``loss`` (one per update: the loss of the
    params that update started from, on its piece) and, every ``held_out_every`` updates, the held-out
    loss. With a held-out curve, the params returned are those of the checkpoint with the lowest
    held-out loss (early stopping: later updates fit the training text better and the held-out worse),
    and ``record["kept_step"]`` says which. ``callback(step, loss, params)`` after each update; a truthy
    return stops.
    """
    train_part, held = split() if text_ is None else (text_, None)
    ks = streams(encode(train_part), streams_n)  # (L, B)
    L = ks.shape[0]
    V = len(vocabulary())
    params = new_model(hidden_size, seed, forget_bias)
    opt = Adam(params, lr=lr)
    record = dict(hidden_size=hidden_size, steps=steps, piece=piece, streams=streams_n, lr=lr, clip=clip, seed=seed,
                  forget_bias=forget_bias, fast=fast, loss=[], held_out=[], kept_step=None)
    best, best_loss = None, np.inf
    h = c = None
    start = 0
    for step in range(steps):
        if start + piece + 1 > L:  # the streams are used up: back to their start, from a zero state
            start, h, c = 0, None, None
        chunk = ks[start : start + piece + 1]  # (K + 1, B): inputs and, one later, their targets
        loss, grads, trace = sequence_loss_and_grads(params, one_hot(chunk[:-1], V), chunk[1:], h0=h, c0=c, fast=fast)
        h, c = trace.h_all[-1], trace.c_all[-1]  # carried into the next piece, no gradient through them
        start += piece
        if not np.isfinite(loss):
            raise ValueError(f"train_text: the loss is {loss} at step {step}; lower lr")
        record["loss"].append(loss)
        if clip is not None:
            clip_by_global_norm(grads, clip)
        opt.step(params, grads)
        if held_out_every and held is not None and (step + 1) % held_out_every == 0:
            record["held_out"].append([step + 1, held_out_loss(params, fast=fast, text_=held)])
            if record["held_out"][-1][1] < best_loss:
                best, best_loss, record["kept_step"] = params.copy(), record["held_out"][-1][1], step + 1
        if callback is not None and callback(step, loss, params):
            break
    return (params if best is None else best), record


def held_out_loss(params, fast=False, text_=None):
    """The mean cross-entropy (nats per character) of predicting each held-out character from the ones before."""
    ks = encode(split()[1] if text_ is None else text_)
    loss, _, _ = sequence_loss(params, one_hot(ks[:-1]), ks[1:], fast=fast)
    return loss


def save(params, record, folder):
    """Write the weights (.npz, float64) and the record (.json) into ``folder``."""
    from pathlib import Path

    folder = Path(folder)
    np.savez_compressed(folder / WEIGHTS_FILE, **params.arrays())
    (folder / RECORD_FILE).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


@lru_cache(maxsize=None)
def _shipped_arrays():
    with resources.files("lstm_core").joinpath("data", WEIGHTS_FILE).open("rb") as f:
        data = np.load(f, allow_pickle=False)
        return {k: data[k].copy() for k in data.files}


def shipped_model():
    """The shipped weights (a fresh LSTMParams with readout, safe to change)."""
    return LSTMParams(**{k: v.copy() for k, v in _shipped_arrays().items()})


@lru_cache(maxsize=None)
def shipped_record():
    """The record written beside the shipped weights: settings, seed, every update's loss, the held-out curve."""
    return json.loads(resources.files("lstm_core").joinpath("data", RECORD_FILE).read_text(encoding="utf-8"))


# ------------------------------------------------------------------ reading and sampling (the plain path)
def read(params, s, h=None, c=None):
    """Run the model over the characters of ``s``: the Trace (one sequence, (T, H) arrays) and the logits (T, V).

    The plain path: every sum in ``cell.weighted_sum``'s fixed order, so the numbers are the same on every CPU.
    """
    from ..sequence import forward

    ks = encode(s)
    trace = forward(cell_only(params), one_hot(ks), h0=h, c0=c)
    return trace, logits(params, trace.h)


@dataclass(frozen=True)
class Sample:
    """What ``sample`` drew: the ``text``, its ``margin`` (see ``sample``), and ``p``, the probability the model
    (at τ = 1) gave each drawn character."""

    text: str
    margin: float
    p: tuple


@dataclass(frozen=True)
class Reading:
    """What the model computed at every character of a part of the text (``read_all``):
    ``i, f, g, o, c, h`` (N, H) after reading character t, and ``predicting`` (N, V), the logits that
    predicted character t (computed one character earlier), for the N characters of a part of the text."""

    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray
    predicting: np.ndarray


def read_all(params):
    """The model read over the whole text, from its first character, and cut into ``(pick, held)`` Readings:
    the part where tracking units are chosen (``pick_text()``) and the held-out part.

    One continuous reading, so that each character is read from the state a reader of the whole book would
    be in there: some units keep their cell state over thousands of characters (f ≈ 1), and a reading that
    started at the held-out text would start them from 0 instead. 95,728 steps take about 2 s on the fast
    path (BLAS, numpy's σ and tanh) and several minutes on the plain one, so this runs on the fast path:
    its last bits depend on the CPU, and what the lesson prints of it is rounded to two or three decimals,
    which ``tests/lessons/test_l09_text.py`` checks lie far from a rounding boundary.
    """
    from ..sequence import forward

    ks = encode(text())
    trace = forward(cell_only(params), one_hot(ks), fast=True)  # (N, H) arrays: the state after character t
    y = logits(params, trace.h, fast=True)  # (N, V): row t predicts character t + 1
    train_part = split()[0]
    pick_from = len(train_part) - len(pick_text())
    return tuple(Reading(**{q: getattr(trace, q)[start:stop] for q in "ifgoch"}, predicting=y[start - 1 : stop - 1])
                 for start, stop in ((pick_from, len(train_part)), (len(train_part), len(ks))))


def reading_loss(reading, s):
    """The mean cross-entropy of a ``Reading``'s predictions of the characters of ``s`` (nats per character)."""
    from ..softmax import cross_entropy

    return cross_entropy(reading.predicting, encode(s))[0]


def sample(params, prompt, temperature, length=240, seed=0, fast=False):
    """A ``Sample``: ``length`` characters drawn after ``prompt``, one at a time.

    The random stream is fixed: u_1 .. u_length = ``np.random.default_rng(seed).random(length)``, the same
    for every temperature, so moving the temperature changes the text only where the distribution
    moved past a u. Character t + 1 is the first v with u_t < Σ_(w <= v) p_t[w], p_t = softmax(y_t / τ);
    τ = 0 takes argmax y_t. ``margin`` is the smallest distance between a u_t and a boundary
    Σ_(w <= v) p_t[w] (at τ = 0, between the two largest logits): a change in the last bits of p
    cannot change the text while it is far below the margin.

    ``fast=False`` (what the lesson prints) runs the plain path, about 1 ms per character;
    ``fast=True`` (the explorer's slider) uses BLAS products and numpy's σ and tanh, about 40 times
    faster, and gives the same text whenever its last-bit differences stay below the margin
    (``tests/lessons/test_l09_text.py`` checks the lesson's settings).
    """
    from ..cell import cell_equations

    if not prompt:
        raise ValueError("prompt: give at least one character to start from")
    if not 0 <= temperature <= 10:
        raise ValueError(f"temperature: expected 0 <= τ <= 10, got {temperature}")
    cell = cell_only(params)
    trace, y = read(params, prompt) if not fast else _read_fast(params, prompt)
    h, c, y = trace.h[-1][None], trace.c[-1][None], y[-1]  # (1, H), (1, H), (V,)
    u = np.random.default_rng(seed).random(length)  # the fixed stream
    out, chosen, margin = [], [], np.inf
    V = len(vocabulary())
    for t in range(length):
        p1 = _softmax_fast(y) if fast else _softmax_1d(y)  # the model's own distribution (τ = 1)
        if temperature == 0:
            top2 = np.sort(y)[-2:]
            k = int(np.argmax(y))
            margin = min(margin, float(top2[1] - top2[0]))
        else:
            p = p1 if temperature == 1 else (_softmax_fast(y / temperature) if fast else _softmax_1d(y / temperature))
            edges = np.cumsum(p)  # Σ_(w <= v) p[w], summed in order
            k = min(int(np.searchsorted(edges, u[t], side="right")), V - 1)
            margin = min(margin, float(np.min(np.abs(edges[:-1] - u[t]))))
        out.append(k)
        chosen.append(float(p1[k]))
        if fast:
            h, c = _fast_step(params, k, h, c)
            y = (h @ params.W_y.T + params.b_y)[0]
        else:
            x = np.zeros((1, V))
            x[0, k] = 1.0
            *_, c, h = cell_equations(cell, x, h, c)
            y = logits(params, h)[0]
    return Sample(decode(out), margin, tuple(chosen))


def _read_fast(params, s):
    from ..sequence import forward

    trace = forward(cell_only(params), one_hot(encode(s)), fast=True)
    return trace, logits(params, trace.h, fast=True)


def _fast_step(params, k, h, c):
    """One step from character ``k`` on the fast side: W_x x is column k of W_x (x is one-hot)."""
    H = params.hidden_size
    z = params.W_x[:, k] + h @ params.W_h.T + params.b  # (1, 4H)
    with np.errstate(over="ignore"):
        s = 1.0 / (1.0 + np.exp(-z))
    i, f, o = s[:, :H], s[:, H : 2 * H], s[:, 3 * H :]
    g = np.tanh(z[:, 2 * H : 3 * H])
    c = f * c + i * g
    return o * np.tanh(c), c


def _softmax_fast(y):
    """softmax of one row of logits, without the checks of ``softmax.softmax`` (the slider's inner loop)."""
    e = np.exp(y - y.max())
    return e / e.sum()


def _softmax_1d(y):
    from ..softmax import softmax

    return softmax(y)


# ------------------------------------------------------------------ the live run of the lesson
#: the small model the lesson trains while the learner watches (well under a minute on 2 cores)
LIVE = dict(hidden_size=32, steps=600, piece=32, streams=16, lr=1e-2, clip=5.0, seed=1, forget_bias=1.0)
#: the live run's checkpoints: the loss and a sample are shown at each
LIVE_CHECKPOINTS = (0, 100, 300, 600)
LIVE_PROMPT = "Shall I "


def live_run(checkpoints=LIVE_CHECKPOINTS, sample_length=80, temperature=0.5, callback=None, **settings):
    """Train ``LIVE``'s small model and return ``(params, record, samples)``.

    ``samples[k]`` is the text the model writes after ``LIVE_PROMPT`` at temperature ``temperature`` (plain
    path) with the weights it had before update k (k = ``steps``: the trained weights). Training runs on the
    fast path, whose last bits depend on the CPU; what the lesson prints of it is rounded, and
    ``tests/lessons/test_l09_text.py`` checks that it is far from a rounding or sampling boundary.
    """
    run = dict(LIVE, **settings)
    snapshots = {}

    def keep(step, loss, params):
        if step in checkpoints:
            snapshots[step] = params.copy()
        return callback(step, loss, params) if callback is not None else False

    # train_text calls back after update ``step``; the weights before update 0 are the start weights
    snapshots[0] = new_model(run["hidden_size"], run["seed"], run["forget_bias"])
    params, record = train_text(run["hidden_size"], run["steps"], run["piece"], run["streams"], run["lr"],
                                run["clip"], run["seed"], run["forget_bias"], fast=True,
                                callback=lambda step, loss, p: keep(step + 1, loss, p))
    samples = {k: sample(snapshots[k], LIVE_PROMPT, temperature, sample_length) for k in checkpoints if k in snapshots}
    return params, record, samples


# ------------------------------------------------------------------ what the units track
#: features of the text at every character, each a function of the characters read so far (no look-ahead)
FEATURES = {
    "column": "position in the line: characters since the last newline",
    "line": "line of the sonnet: 1 to 14 (0 on the numeral and the blank lines)",
    "couplet": "inside the closing couplet (the two indented lines): 1, else 0",
    "numeral": "on the line of a sonnet's numeral (CXL): 1, else 0",
}


def features(s):
    """``{name: (T,) float array}``: each feature of FEATURES at every character of ``s``.

    The value at t describes the text up to and including character t (what the state h_t has read).
    """
    T = len(s)
    column = np.zeros(T)
    line = np.zeros(T)
    couplet = np.zeros(T)
    numeral = np.zeros(T)
    col, ln = 0, 0
    lines = s.split("\n")
    kinds = []  # per line: "numeral", "blank" or "verse"
    for text_line in lines:
        bare = text_line.strip()
        kinds.append("numeral" if bare and set(bare) <= set("IVXLC") else ("blank" if not bare else "verse"))
    t = 0
    for n, text_line in enumerate(lines):
        if kinds[n] == "numeral":
            ln = 0
        elif kinds[n] == "verse":
            ln += 1
        for j in range(len(text_line) + (1 if n < len(lines) - 1 else 0)):
            if t >= T:
                break
            newline = j == len(text_line)
            column[t] = 0 if newline else j + 1
            line[t] = ln if kinds[n] == "verse" else 0
            couplet[t] = 1.0 if kinds[n] == "verse" and text_line.startswith("  ") else 0.0
            numeral[t] = 1.0 if kinds[n] == "numeral" and not newline else 0.0
            t += 1
    return {"column": column, "line": line, "couplet": couplet, "numeral": numeral}


def correlation(a, s):
    """Pearson's r of ``a`` (T,) and ``s`` (T,); 0 when either is constant."""
    a = np.asarray(a, dtype=float) - np.mean(a)
    s = np.asarray(s, dtype=float) - np.mean(s)
    denom = np.sqrt(np.sum(a * a) * np.sum(s * s))
    return 0.0 if denom == 0 else float(np.sum(a * s) / denom)


def correlations(trace, feats, quantity="c"):
    """``{feature: (H,) r}``: each unit's ``quantity`` (c or h) against each feature, along one text."""
    a = getattr(trace, quantity)  # (T, H)
    return {name: np.array([correlation(a[:, j], s) for j in range(a.shape[1])]) for name, s in feats.items()}


#: the part of the training text on which units are picked (the held-out text then tests the pick)
PICK_FROM = "CXXVII"


@lru_cache(maxsize=None)
def pick_text():
    """Sonnets CXXVII to CXXXVIII, the end of the training text: where the tracking units are chosen."""
    train_part = split()[0]
    return train_part[train_part.index("\n" + PICK_FROM + "\n") + 1 :]


def tracking_units(params, quantity="c", readings=None):
    """``{feature: (unit, r_pick, r_held)}``: for each feature the unit (0-based) whose ``quantity`` correlates
    most (|r|) with it on ``pick_text()``, and that unit's r there and on the held-out text, which played no
    part in the choice. ``readings``: ``read_all(params)``, if already read."""
    held = split()[1]
    pick_trace, held_trace = read_all(params) if readings is None else readings
    r_pick = correlations(pick_trace, features(pick_text()), quantity)
    r_held = correlations(held_trace, features(held), quantity)
    out = {}
    for name in FEATURES:
        unit = int(np.argmax(np.abs(r_pick[name])))
        out[name] = (unit, float(r_pick[name][unit]), float(r_held[name][unit]))
    return out


def best_by_chance(params, readings=None, quantity="c"):
    """``{feature: max over units of |r|}`` on the held-out text itself: for the untrained model, the bar a
    trained unit has to clear (the characters alone, through random weights, already move some units)."""
    held = split()[1]
    held_trace = (read_all(params) if readings is None else readings)[1]
    r = correlations(held_trace, features(held), quantity)
    return {name: float(np.max(np.abs(r[name]))) for name in FEATURES}


#: the kinds of character the gate summary groups by
CHAR_KINDS = {"newline": "\n", "space": " ", "letter": None, "punctuation": ",.;:!?'-()"}


def char_kind(ch):
    if ch == "\n":
        return "newline"
    if ch == " ":
        return "space"
    return "letter" if ch.isalpha() else "punctuation"


def gate_means(trace, s, unit):
    """``{gate: {kind: mean}}``: the unit's i, f, o averaged over the characters of each kind (after reading it)."""
    kinds = np.array([char_kind(ch) for ch in s])
    return {g: {k: float(np.mean(getattr(trace, g)[kinds == k, unit])) for k in CHAR_KINDS if np.any(kinds == k)}
            for g in ("f", "i", "o")}


class Analysis:
    """The shipped model read over the whole text once (``read_all``): what the explorers and the lesson show."""

    def __init__(self, params=None):
        self.params = shipped_model() if params is None else params
        self.held = split()[1]
        self.readings = read_all(self.params)  # (pick, held)
        self.trace = self.readings[1]  # the held-out text's Reading, (N, H) arrays
        self.loss = reading_loss(self.trace, self.held)  # nats per held-out character
        self.features = features(self.held)
        self.r = {q: correlations(self.trace, self.features, q) for q in ("c", "h")}  # {q: {feature: (H,)}}
        self.excerpt = self.held[: self.held.index("\nCXL\n") + 1]  # sonnet CXXXIX, the first held-out one

    @property
    def hidden_size(self):
        return self.params.hidden_size

    def excerpt_values(self, quantity, unit):
        """The unit's ``quantity`` (c, h, i, f, o) at every character of the excerpt."""
        return getattr(self.trace, quantity)[: len(self.excerpt), unit]

    def value_range(self, quantity, unit):
        """The colour scale of a quantity: gates on [0, 1]; c and h on ±top, top the 99th percentile of the
        unit's |c| (or |h|) over the held-out text, so that a few extreme values do not wash the rest out."""
        if quantity in ("i", "f", "o"):
            return 0.0, 1.0
        top = float(np.percentile(np.abs(getattr(self.trace, quantity)[:, unit]), 99))
        return -top, top


@lru_cache(maxsize=None)
def shipped_analysis():
    """``Analysis()`` of the shipped model, computed once per kernel (about 2 s)."""
    return Analysis()


# ------------------------------------------------------------------ the lesson's samples and questions
#: the prompt and the temperatures of the three samples the lesson prints
PROMPT = "From fairest creatures "
TEMPERATURES = (0.5, 1.0, 1.5)


@lru_cache(maxsize=None)
def lesson_sample(temperature, prompt=PROMPT, seed=0, length=240):
    """``sample`` of the shipped model on the plain path (what the lesson prints), computed once per kernel."""
    return sample(shipped_model(), prompt, temperature, length, seed=seed)


def word_share(s):
    """The share of the words of ``s`` (letters and apostrophes, lower-cased) that occur in the training text."""
    import re

    known = set(re.findall(r"[a-z']+", split()[0].lower()))
    words = re.findall(r"[a-z']+", s.lower())
    return sum(w in known for w in words) / max(1, len(words))


def within_line_r(values, s):
    """The mean, over the verse lines of ``s``, of r(values, column) inside each line: near ±1 for a unit that
    counts along every line, near 0 for one that only marks its end."""
    col = features(s)["column"]
    rs, start = [], 0
    for line in s.split("\n"):
        stop = start + len(line)
        if len(line.strip()) > 10:  # verse lines, not numerals or blanks
            rs.append(correlation(values[start:stop], col[start:stop]))
        start = stop + 1
    return float(np.mean(rs))


TEMPERATURE0_CHOICES = ("It stays exactly the same", "It changes in a few places", "It changes completely")
COLUMN_CHOICES = ("a ramp along each line, starting over at every newline",
                  "one strong cell at each newline, flat in between",
                  "one colour over the whole sonnet")
#: the reset question's choices: which gate moves most at a line break
RESET_CHOICES = {"f": "its forget gate closes: f drops toward 0 and c_{t-1} is let go",
                 "i": "its input gate opens: i rises toward 1 and a new value is written",
                 "o": "its output gate closes: o drops toward 0 and the count is hidden"}
WORD_CHOICES = ("τ = 0.5", "τ = 1.5", "about the same")


@lru_cache(maxsize=None)
def _questions():
    from .questions import Question

    V = len(vocabulary())
    record = shipped_record()
    start = record["loss"][0]
    same = sample(shipped_model(), PROMPT, 0.0, 120, seed=0).text == sample(shipped_model(), PROMPT, 0.0, 120, seed=1).text
    changed = "It stays exactly the same" if same else "It changes completely"
    low, high = (word_share(lesson_sample(t).text) for t in (TEMPERATURES[0], TEMPERATURES[-1]))
    words = "τ = 0.5" if low > high + 0.1 else ("τ = 1.5" if high > low + 0.1 else "about the same")
    a = shipped_analysis()
    col_unit = tracking_units(a.params, "c", a.readings)["column"][0]
    ramp = abs(within_line_r(a.trace.c[:, col_unit], a.held))
    newline_r = abs(correlation(a.trace.c[:, col_unit], [ch == "\n" for ch in a.held]))
    shape = COLUMN_CHOICES[0] if ramp > 0.5 else (COLUMN_CHOICES[1] if newline_r > 0.5 else COLUMN_CHOICES[2])
    means = gate_means(a.trace, a.held, col_unit)
    # how far each gate moves at a line break, from its mean after a letter, in the direction the choice names
    moves = {"f": means["f"]["letter"] - means["f"]["newline"], "i": means["i"]["newline"] - means["i"]["letter"],
             "o": means["o"]["letter"] - means["o"]["newline"]}
    reset = RESET_CHOICES[max(moves, key=moves.get)]
    return (
        Question(
            key="uniform",
            prompt=(f"Before training, the model's {V} scores are all nearly equal, so it gives every character about "
                    f"the same probability. What is its loss, −log p of the right character, in nats per character? "
                    "(within 0.05)"),
            answer=start, tol=0.05,
            hint=f"Equal probabilities over {V} characters: p = 1/{V} for each, and −log(1/{V}) = log {V}.",
            explanation=(f"log {V} = {np.log(V):.4f}; the recorded loss of the shipped model's first update is "
                         f"{start:.4f}: its random start weights give almost, not exactly, equal scores."),
        ),
        Question(
            key="temperature0",
            prompt=("At temperature 0 the model always writes its most likely next character. You change the seed of "
                    "the random stream. What happens to the text?"),
            answer=changed, choices=TEMPERATURE0_CHOICES, kind="predict",
            feedback=(("It changes completely", "At τ = 0 no random number is used at all: argmax needs no draw."),
                      ("It changes in a few places", "A draw could matter only where it is compared with p, and at "
                       "τ = 0 nothing is drawn.")),
            hint="softmax(y / τ) for τ -> 0 puts all its weight on the largest score.",
            explanation=("Checked: seeds 0 and 1 give the same 120 characters. τ = 0 is deterministic, and it tends to "
                         "fall into loops of its favourite words."),
        ),
        Question(
            key="words",
            prompt=("Which temperature writes more real words, words that occur somewhere in the training sonnets: "
                    "τ = 0.5 or τ = 1.5?"),
            answer=words, choices=WORD_CHOICES, kind="predict",
            feedback=tuple((c, text) for c, text in (
                ("τ = 1.5", "A higher temperature is not more creative with words: it draws unlikely letters more "
                            "often, and those break words."),
                ("about the same", "The temperature changes every probability the model draws from, so it changes "
                                   "what comes out."),
                ("τ = 0.5", "A low temperature sticks to the likeliest characters, and those spell the commonest "
                            "words.")) if c != words),
            hint="Dividing the scores by τ < 1 makes the likely characters likelier still; τ > 1 flattens them.",
            explanation=(f"In the lesson's samples {low:.0%} of the words at τ = 0.5 occur in the training text, and "
                         f"{high:.0%} at τ = 1.5: a higher temperature draws unlikely characters more often, and one "
                         "unlikely letter spoils a word."),
        ),
        Question(
            key="column",
            prompt=("A unit whose cell state c counts the position in the line: how would its colour look along "
                    "the sonnet, coloured by c?"),
            answer=shape, choices=COLUMN_CHOICES, kind="predict",
            feedback=tuple((c, text) for c, text in (
                (COLUMN_CHOICES[0], "A count grows by a step per character and starts over at each line."),
                (COLUMN_CHOICES[1], "That would be a unit that marks the end of a line, not one that counts: between "
                                    "two line breaks it would not change."),
                (COLUMN_CHOICES[2], "A unit whose c never changed could not tell one position from another.")) if c != shape),
            hint="Counting means adding a little at every character, and starting over when a new line begins.",
            explanation=(f"Unit {col_unit + 1} is such a unit: inside each held-out verse line its c follows the "
                         f"column with a mean |r| of {ramp:.2f}, and it jumps back at the newline."),
        ),
        Question(
            key="reset",
            prompt=(f"Unit {col_unit + 1} counts along the line and starts over at each line break. How does the "
                    "cell start over? Pick what its gates do at a line break (compared with after a letter)."),
            answer=reset, choices=tuple(RESET_CHOICES.values()), kind="predict",
            feedback=tuple((c, text) for c, text in (
                (RESET_CHOICES["f"], "Closing f is one way to forget, but a cell can also overwrite: with i open, "
                                     "i g outweighs what f keeps."),
                (RESET_CHOICES["i"], "Opening i writes the candidate g into c, whatever f keeps of the old value."),
                (RESET_CHOICES["o"], "o only decides how much of tanh(c) shows in h; it changes nothing in c.")) if c != reset),
            hint="Compare each gate after a line break with the same gate after a letter, in the table below.",
            explanation=("Mean gate values over the held-out text, after a line break / after a letter: "
                         + "; ".join(f"{g} {means[g]['newline']:.2f} / {means[g]['letter']:.2f}" for g in "fio")
                         + "."),
        ),
    )


def questions():
    return list(_questions())


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m lstm_core.lessons.l09_text",
                                     description="Train lesson 09's character model on the Sonnets.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("train", help="train with the shipped settings and write weights and record")
    run.add_argument("--out", default=None, help="folder to write to (default: the package's data folder)")
    run.add_argument("--steps", type=int, default=SHIPPED["steps"])
    args = parser.parse_args(argv)
    settings = dict(SHIPPED, steps=args.steps)
    t0 = time.perf_counter()

    def progress(step, loss, _params):
        if (step + 1) % HELD_OUT_EVERY == 0:
            print(f"step {step + 1}: loss {loss:.4f}  ({time.perf_counter() - t0:.0f} s)", flush=True)

    params, record = train_text(settings["hidden_size"], settings["steps"], settings["piece"], settings["streams"],
                                settings["lr"], settings["clip"], settings["seed"], settings["forget_bias"],
                                fast=True, held_out_every=HELD_OUT_EVERY, callback=progress)
    record["seconds"] = round(time.perf_counter() - t0)
    record["numpy"] = np.__version__
    out = args.out or str(resources.files("lstm_core").joinpath("data"))
    save(params, record, out)
    print(f"wrote {WEIGHTS_FILE} and {RECORD_FILE} to {out}; kept step {record['kept_step']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
