"""Lesson 06's questions: training the vector seed to count. Answers come from lstm_core.train,
lstm_core.loss and lstm_core.readout, run at the lesson's settings (COUNT_TASK, COUNT_TRAINING)."""

from functools import lru_cache

import numpy as np

from ..examples import EXPECTED_NEXT, SEQUENCE, vector_example
from ..gates import GATE_NAMES, GATES
from ..loss import mse_loss
from ..readout import activation_change, steps_until_within
from ..sequence import forward
from ..tasks import COUNT_TASK, COUNT_TRAINING, counting
from ..train import train
from . import Question

#: "within this of 4" for the question on the number of Adam steps
CLOSE = 0.1
#: the choices of that question, as (label, lowest count, highest count), in the order shown
STEP_BINS = (
    ("fewer than 50 steps", 0, 49),
    ("50 to 199 steps", 50, 199),
    ("200 to 800 steps", 200, 800),
    ("not within 800 steps", None, None),
)


def steps_choice(k):
    """The label of STEP_BINS that holds ``k`` Adam steps (None: never close)."""
    for text, lo, hi in STEP_BINS:
        if lo is None and k is None:
            return text
        if k is not None and lo is not None and lo <= k <= hi:
            return text
    return STEP_BINS[-1][0]


def gate_choice(k):
    return f"{k} ({GATE_NAMES[k]})"


@lru_cache(maxsize=1)
def _gate_changes():
    """Δ_k of the gates for 1, 2, 3, seed weights against the weights after the lesson's training run
    (cached: the run takes about a second, and every quiz cell asks for the lesson's questions)."""
    params, xs = vector_example()
    trained = train(params, *counting(**COUNT_TASK), **COUNT_TRAINING)[0]
    change = activation_change(forward(params, xs), forward(trained, xs))
    return tuple((k, change[k]) for k in GATES)


def questions():
    params, xs = vector_example()
    task_xs, task_ys = counting(**COUNT_TASK)
    start_loss, trace = mse_loss(params, task_xs, task_ys)
    answers = trace.y_all[-1][:, 0]  # (B,): what the seed weights answer for each sequence
    targets = task_ys[:, 0]
    k = steps_until_within(params, task_xs, task_ys, np.asarray(xs, dtype=float), float(EXPECTED_NEXT), CLOSE,
                           **COUNT_TRAINING)
    changes = dict(_gate_changes())
    most = max(changes, key=changes.get)
    ranked = ", ".join(f"{g} {changes[g]:.2f}" for g in sorted(changes, key=changes.get, reverse=True))
    seq = ", ".join(f"{v:g}" for v in SEQUENCE)
    return [
        Question(
            key="loss0",
            prompt=(f"Before any training, the seed weights answer about {answers.min():.1f} to "
                    f"{answers.max():.1f} for every one of the {len(targets)} counting sequences, whose targets are "
                    f"{', '.join(f'{t:g}' for t in targets)}. Estimate the loss at step 0, the mean of "
                    f"(y − target)² over the {len(targets)} sequences. (within 1)"),
            answer=start_loss,
            tol=1.0,
            hint=(f"Take y ≈ {answers.mean():.1f} for all of them: square each ({answers.mean():.1f} − target) "
                  f"and average the {len(targets)} squares."),
            explanation=(f"The loss is {start_loss:.4f}: the errors are between "
                         f"{np.abs(answers - targets).min():.2f} and {np.abs(answers - targets).max():.2f}, and "
                         f"their squares average to {start_loss:.1f}. That is where the loss curve starts."),
        ),
        Question(
            key="close",
            prompt=(f"Adam at lr = {COUNT_TRAINING['lr']:g} starts from the seed weights (prediction "
                    f"{float(forward(params, xs).prediction[0]):.4f} for {seq}). After how many Adam steps is the "
                    f"prediction for {seq} first within {CLOSE:g} of {EXPECTED_NEXT}?"),
            answer=steps_choice(k),
            choices=tuple(text for text, *_ in STEP_BINS),
            hint=("Adam moves every weight by up to about lr per step, and the prediction is "
                  "W_y h_3 + b_y: b_y alone can climb by lr at every step."),
            explanation=(f"After {k} steps. Being close once is not being done: the loss covers all "
                         f"{len(targets)} sequences, and the curve keeps falling for hundreds of steps more while "
                         f"the network learns to answer every one of them."),
        ),
        Question(
            key="gate",
            prompt=(f"Compare the gates for {seq} before and after the {COUNT_TRAINING['steps']} training steps. "
                    f"Which gate's activations changed most, on average over the units and steps?"),
            answer=gate_choice(most),
            choices=tuple(gate_choice(g) for g in GATES),
            hint=("Train at the defaults in the explorer and read the bars 'mean |after − before|', or compare "
                  "the rows i, f, g, o of the before and after tables."),
            explanation=(f"The mean |after − before| per gate: {ranked}. The {GATE_NAMES[most]} {most} moved "
                         f"most: training rewrote it more than the others to make h<sub>3</sub> say "
                         f"{EXPECTED_NEXT}."),
        ),
    ]
