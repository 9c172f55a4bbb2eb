"""Lesson 08's delayed-recall task: which models learn to recall x_1 after a noisy gap, judged on held-out data.

The LSTM at forget-gate bias 0, 1 and 3, the tanh RNN and the GRU, all with 4 units and the same budget, at several
random seeds (numpy only, no widgets). ``lstm_core.lessons.experiments`` summarises and tests the runs; this module
trains them.

Notation
--------
gap    steps between the value to recall and the answer (T = gap + 1)
b_f    the LSTM's forget-gate bias at the start of training (f_t = σ(... + b_f))
MSE    the held-out mean squared error, (y_T - x_1)² averaged over the test sequences
seed   one random seed sets the initial weights and the training and test sequences of one run

Task and judging
----------------
x_1 = ±1, then ``gap`` steps of N(0, noise²), and the target is x_1 (``lstm_core.tasks.delayed_recall``).
Every model is trained on the same few training sequences (the ``train`` stream) and judged on test
sequences from the independent ``test`` stream. Predicting 0 always scores MSE 1 (``GUESS``); a model that
has learned to recall scores near 0; a model that has fitted the training noise instead can score above 1.

The family of comparisons is every pair of MODELS at each gap of ``STUDY_GAPS`` (``PAIRS``), tested with the
claim seeds and then again with the held-back seeds (``experiments``). At 10 seeds none of these orderings
survives Holm's correction: see lesson 08 and ``tests/lessons/test_l08_recall.py``.
"""

import time

import numpy as np

from ..gru import GRUParams
from ..loss import loss_and_grads, mse_loss
from ..params import LSTMParams
from ..rnn import RNNParams
from ..tasks import delayed_recall
from ..gradient_descent import global_norm, train
from . import experiments as E

#: the models compared, in the order the table lists them: (label, params class, forget bias or None)
MODELS = (
    ("LSTM b_f=0", LSTMParams, 0.0),
    ("LSTM b_f=1", LSTMParams, 1.0),
    ("LSTM b_f=3", LSTMParams, 3.0),
    ("tanh RNN", RNNParams, None),
    ("GRU", GRUParams, None),
)
LABELS = tuple(label for label, *_ in MODELS)
#: the gaps of the study
STUDY_GAPS = (20, 50)
#: at the short gap no run fails (the tests check it at the claim seeds; "below 0.05 at every seed", true at 3
#: seeds, is not: the GRU's seed 7 scores 0.052)
SHORT_GAP = 5

#: the task: few training sequences, so that memorising them is possible and held-out data tells
RECALL_TASK = dict(n_train=64, n_test=256, noise=0.3)
#: every model the same size and the same training budget
RECALL_MODEL = dict(hidden_size=4)
RECALL_TRAINING = dict(steps=150, lr=0.05, stop_below=1e-2)
#: the held-out MSE of predicting 0 (x_1 = ±1): a run at or above it failed
GUESS = 1.0


def task_name(gap):
    """The column name of one gap: ``"recall, gap 20"``."""
    return f"recall, gap {gap}"


#: every pair of models at every gap of the study: one family of 20 comparisons
PAIRS = tuple((a, b, task_name(g)) for g in STUDY_GAPS for n, a in enumerate(LABELS) for b in LABELS[n + 1:])


def make_params(model_class, seed, hidden_size=RECALL_MODEL["hidden_size"]):
    """A fresh model with a readout of one output, drawn from ``seed``."""
    return model_class.random(1, hidden_size, 1, seed=seed)


def recall_sets(gap, seed, task=RECALL_TASK):
    """``(xs, ys, test_xs, test_ys)``: the training and the held-out sequences of one seed."""
    xs, ys = delayed_recall(task["n_train"], gap, noise=task["noise"], seed=seed, split="train")
    test_xs, test_ys = delayed_recall(task["n_test"], gap, noise=task["noise"], seed=seed, split="test")
    return xs, ys, test_xs, test_ys


def train_recall(model_class, forget_bias, gap, seed, variant="vanilla", callback=None, training=RECALL_TRAINING):
    """Train one model on the delayed-recall task: ``(learned params, history, CPU seconds)``.

    Training stops once the training loss is below ``stop_below``: the easy runs end early, which keeps the study
    fast, and a run that has fitted its training set has nothing left to show on held-out data. ``callback(step,
    loss)`` before every Adam step (a progress bar). The plain path (``fast=False``): the same bits on every CPU.
    """
    xs, ys, _, _ = recall_sets(gap, seed)
    params = make_params(model_class, seed)
    training = dict(training)
    stop_below = training.pop("stop_below")

    def stop(step, loss, _params):
        if callback is not None:
            callback(step, loss)
        return loss < stop_below

    start = time.process_time()
    learned, history = train(params, xs, ys, seed=seed, forget_bias=forget_bias, callback=stop, variant=variant,
                             fast=False, **training)
    return learned, history, time.process_time() - start


def one_run(label, gap, seed, callback=None):
    """Train the model named ``label`` (one of MODELS) at ``gap`` with ``seed``: an ``experiments.Run``."""
    _, model_class, forget_bias = next(m for m in MODELS if m[0] == label)
    learned, history, seconds = train_recall(model_class, forget_bias, gap, seed, callback=callback)
    _, _, test_xs, test_ys = recall_sets(gap, seed)
    return E.Run(label, task_name(gap), seed, history.final_loss, mse_loss(learned, test_xs, test_ys)[0], seconds)


def compare(models=LABELS, gaps=STUDY_GAPS, seeds=E.CLAIM_SEEDS, callback=None):
    """Every model at every gap with every seed: a list of Run. ``callback(done, total)`` after every run."""
    jobs = [(label, gap, seed) for gap in gaps for label in models for seed in seeds]
    out = []
    for label, gap, seed in jobs:
        out.append(one_run(label, gap, seed))
        if callback is not None:
            callback(len(out), len(jobs))
    return out


def guess(runs):
    """``{task: GUESS}`` for the tasks of ``runs``: predicting 0 scores 1 at every gap."""
    return {t: GUESS for t in E.tasks_of(runs)}


def table(runs, seeds=None):
    """Failures k/n and the median held-out MSE (q1–q3) per model and gap."""
    return E.table(runs, guess(runs), seeds=seeds)


def main():
    """Run the study (every model, both gaps, the claim seeds and the held-back seeds) and print what it shows."""
    start = time.process_time()
    runs = compare(seeds=E.CLAIM_SEEDS + E.HELD_BACK_SEEDS)
    print("\n".join(E.report_lines(runs, PAIRS, guess(runs))))
    print(f"settings: task {RECALL_TASK}, model {RECALL_MODEL}, training {RECALL_TRAINING}")
    print(f"CPU time: {time.process_time() - start:.1f} s for {len(runs)} runs")


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


if __name__ == "__main__":
    main()
