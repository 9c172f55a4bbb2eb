"""Which models learn to remember, judged on held-out data: the LSTM at forget bias 0, 1, 3, the tanh RNN
and the GRU on the delayed recall task, over several seeds (numpy only, no widgets).

Notation
--------
gap    steps between the value to remember and the answer (T = gap + 1)
b_f    the LSTM's forget-gate bias at the start of training (f_t = σ(... + b_f))
MSE    the held-out mean squared error, (y_T - x_1)² averaged over the test sequences
seed   one seed sets the initial weights and the training sequences of one run

Task and judging
----------------
x_1 = ±1, then ``gap`` steps of N(0, noise²), and the target is x_1 (``lstm_core.tasks.delayed_recall``).
Every model is trained on the same few training sequences (the ``train`` stream) and judged on test
sequences from the independent ``test`` stream. Predicting 0 always scores MSE 1; a model that has
learned the memory scores near 0; a model that has memorised the training noise instead can score
above 1 (it answers the sign of something that is not x_1, confidently).

The result over the seeds: ``claims(runs)`` lists only the orderings that held for every seed, and
``tests/lessons/test_memory_task.py`` checks that these settings reproduce the lesson's CLAIMS.

How far the claims reach: the same settings at gap 50 with seeds 0 to 5 (held-out MSE per seed):

    LSTM b_f=0   1.562 1.339 1.061 1.822 1.061 1.248    learned (MSE < 0.5) at 0 of 6 seeds
    LSTM b_f=1   1.558 1.358 2.006 1.394 1.611 1.073    0 of 6
    LSTM b_f=3   0.041 0.069 0.525 0.024 1.066 0.008    4 of 6, and below b_f = 0 and 1 at 5 of 6
    tanh RNN     0.012 0.031 1.035 1.421 1.864 0.006    3 of 6
    GRU          1.990 1.482 1.575 1.623 1.506 1.310    0 of 6

So the lesson can say "with b_f = 0 or 1 the LSTM did not learn a gap of 50 at any seed; with b_f = 3 it
did at most seeds", not "b_f = 3 always learns it", and nothing general about the RNN or the GRU.
"""

import time
from dataclasses import dataclass

import numpy as np

from ..gru import GRUParams
from ..loss import loss_and_grads, mse_loss
from ..params import LSTMParams
from ..rnn import RNNParams
from ..tasks import delayed_recall
from ..train import global_norm, train

#: the models compared, in the order the table lists them: (label, params class, forget bias or None)
MODELS = (
    ("LSTM b_f=0", LSTMParams, 0.0),
    ("LSTM b_f=1", LSTMParams, 1.0),
    ("LSTM b_f=3", LSTMParams, 3.0),
    ("tanh RNN", RNNParams, None),
    ("GRU", GRUParams, None),
)
GAPS = (5, 20, 50)
SEEDS = (0, 1, 2)

#: the task: few training sequences, so that memorising them is possible and held-out data tells
MEMORY_TASK = dict(n_train=64, n_test=256, noise=0.3)
#: every model the same size and the same training budget
MEMORY_MODEL = dict(hidden_size=4)
MEMORY_TRAINING = dict(steps=150, lr=0.05, stop_below=1e-2)

#: what the lesson may say, because it held at every seed with the settings above (``claims``;
#: tests/lessons/test_memory_task.py re-runs it): at gap 50, b_f = 0 and b_f = 1 fail at every seed (they reach a low
#: training loss by memorising the training noise, and answer the test set worse than predicting 0), and
#: b_f = 3 beats them at every seed. (The GRU also failed at gap 50 at every seed here, but other settings
#: tried while tuning let it learn at some seeds: a setting-dependent result, so the lesson does not state it.)
CLAIMS = (
    ("LSTM b_f=3", "LSTM b_f=0", 50),
    ("LSTM b_f=3", "LSTM b_f=1", 50),
)
#: and at the short gap every model learns: held-out MSE below this at every seed
SHORT_GAP, SHORT_GAP_MSE = 5, 0.05


@dataclass(frozen=True)
class Run:
    """One training run: the model's label, the gap, the seed, its final training loss and held-out MSE."""

    model: str
    gap: int
    seed: int
    train_mse: float
    test_mse: float
    seconds: float


def make_params(model_class, seed, hidden_size):
    """A fresh model with a readout of one output, drawn from ``seed``."""
    return model_class.random(1, hidden_size, 1, seed=seed)


def one_run(label, gap, seed, task=MEMORY_TASK, model=MEMORY_MODEL, training=MEMORY_TRAINING):
    """Train the model named ``label`` (one of MODELS) on ``gap`` with ``seed``; return its Run."""
    _, model_class, forget_bias = next(m for m in MODELS if m[0] == label)
    xs, ys = delayed_recall(task["n_train"], gap, noise=task["noise"], seed=seed, split="train")
    xs_test, ys_test = delayed_recall(task["n_test"], gap, noise=task["noise"], seed=seed, split="test")
    params = make_params(model_class, seed, model["hidden_size"])
    training = dict(training)
    stop_below = training.pop("stop_below", None)
    # stop once the training loss is below stop_below: the easy runs end early, which keeps the whole
    # comparison fast, and a run that has fitted its training set has nothing left to show on held-out data
    callback = None if stop_below is None else (lambda step, loss, p: loss < stop_below)
    start = time.process_time()
    learned, history = train(params, xs, ys, seed=seed, forget_bias=forget_bias, callback=callback, **training)
    seconds = time.process_time() - start
    return Run(label, gap, seed, history.final_loss, mse_loss(learned, xs_test, ys_test)[0], seconds)


def compare(models=None, gaps=GAPS, seeds=SEEDS, task=MEMORY_TASK, model=MEMORY_MODEL, training=MEMORY_TRAINING):
    """Every model at every gap with every seed: a list of Run (CPU seconds in ``Run.seconds``)."""
    labels = [m[0] for m in MODELS] if models is None else list(models)
    return [one_run(label, gap, seed, task, model, training) for gap in gaps for label in labels for seed in seeds]


def summary(runs):
    """``{(model, gap): dict(mean, std, min, max, train_max)}`` of the held-out MSE over the seeds."""
    out = {}
    for key in dict.fromkeys((r.model, r.gap) for r in runs):
        test = np.array([r.test_mse for r in runs if (r.model, r.gap) == key])
        train_mse = np.array([r.train_mse for r in runs if (r.model, r.gap) == key])
        out[key] = dict(mean=float(test.mean()), std=float(test.std()), min=float(test.min()),
                        max=float(test.max()), train_max=float(train_mse.max()), n=len(test))
    return out


def table(runs):
    """The held-out MSE as text: one row per model, one column per gap, mean ± std (min–max) over the seeds."""
    stats = summary(runs)
    models = list(dict.fromkeys(r.model for r in runs))
    gaps = list(dict.fromkeys(r.gap for r in runs))
    n = stats[(models[0], gaps[0])]["n"]
    head = f"| model (held-out MSE over {n} seeds) | " + " | ".join(f"gap {g}" for g in gaps) + " |"
    lines = [head, "|---" * (len(gaps) + 1) + "|"]
    for m in models:
        cells = []
        for g in gaps:
            s = stats[(m, g)]
            cells.append(f"{s['mean']:.3f} ± {s['std']:.3f} ({s['min']:.3f}–{s['max']:.3f})")
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


#: a held-out MSE at or above this (half of predicting 0) counts as not having learned the memory
FAILED = 0.5


def claims(runs):
    """The orderings that held for every seed: ``(better, worse, gap)`` where ``worse`` failed at every seed
    (held-out MSE >= FAILED), and ``better`` beat it at every seed (every seed's MSE below every seed's of
    ``worse``, the ranges do not overlap) and beat predicting 0 (MSE < 1) at every seed. Differences between
    two models that both learned (0.004 against 0.009) are not claims."""
    stats = summary(runs)
    models = list(dict.fromkeys(r.model for r in runs))
    gaps = list(dict.fromkeys(r.gap for r in runs))
    return [(a, b, g) for g in gaps for a in models for b in models
            if a != b and stats[(b, g)]["min"] >= FAILED and stats[(a, g)]["max"] < min(1.0, stats[(b, g)]["min"])]


def main():
    """Run the whole comparison and print the table, the claims and the time it took."""
    start = time.process_time()
    runs = compare()
    total = time.process_time() - start
    print(table(runs))
    print(f"\nsettings: task {MEMORY_TASK}, model {MEMORY_MODEL}, training {MEMORY_TRAINING}, seeds {SEEDS}")
    print(f"CPU time: {total:.1f} s for {len(runs)} runs")
    print("\nheld over every seed:")
    for a, b, g in claims(runs):
        print(f"  gap {g}: {a} < {b}")


if __name__ == "__main__":
    main()


# ============================================================================ exploding gradients

#: a tanh RNN whose W_h is drawn with gain 4 (entries N(0, 4² / H)): past gain 1 its dynamics are chaotic and
#: ∂h_T/∂h_t = Π diag(1 - h_s²) W_h grows exponentially with T - t
EXPLODING = dict(hidden_size=16, gain=4.0, n_sequences=4, seed=0)
#: plain SGD, so that the step is lr ∇ and clipping bounds it by lr · clip
CLIPPING = dict(gap=50, steps=10, lr=0.01, clip=1.0)


def exploding_rnn(hidden_size=EXPLODING["hidden_size"], gain=EXPLODING["gain"], seed=EXPLODING["seed"]):
    """A tanh RNN (D = 1, O = 1) whose recurrent weights have entries N(0, gain² / H)."""
    params = RNNParams.random(1, hidden_size, 1, seed=seed)
    params.W_h = np.random.default_rng(seed).normal(0.0, gain / np.sqrt(hidden_size), (hidden_size, hidden_size))
    return params


def gradient_norms(gaps=(5, 20, 50, 100), gains=(1.0, EXPLODING["gain"]), noise=0.3):
    """``{gain: [‖∇‖ at each gap]}``: the global gradient norm of the delayed recall loss, initial weights."""
    out = {}
    for gain in gains:
        params = exploding_rnn(gain=gain)
        norms = []
        for gap in gaps:
            xs, ys = delayed_recall(EXPLODING["n_sequences"], gap, noise=noise, seed=EXPLODING["seed"])
            norms.append(global_norm(loss_and_grads(params, xs, ys)[1]))
        out[gain] = norms
    return out


def clipping_demo(clip=CLIPPING["clip"], gap=CLIPPING["gap"], steps=CLIPPING["steps"], lr=CLIPPING["lr"], noise=0.3):
    """SGD on the exploding RNN, ``clip`` or None: ``dict(loss, step)``, the loss before each update and the
    size ‖Δθ‖ of each update (``steps`` - 1 of them, read off the params the callback sees)."""
    xs, ys = delayed_recall(EXPLODING["n_sequences"], gap, noise=noise, seed=EXPLODING["seed"])
    seen = []
    train(exploding_rnn(), xs, ys, steps=steps, lr=lr, clip=clip, optimizer="sgd",
          callback=lambda step, loss, p: seen.append((loss, p)))
    sizes = [np.sqrt(sum(np.sum((b.arrays()[n] - a.arrays()[n]) ** 2) for n in a.arrays()))
             for (_, a), (_, b) in zip(seen, seen[1:])]
    return {"loss": [loss for loss, _ in seen], "step": sizes}
