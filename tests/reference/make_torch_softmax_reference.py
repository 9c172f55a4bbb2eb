"""Generate PyTorch cross-entropy reference data for tests/core/test_softmax.py.

``torch.nn.CrossEntropyLoss()`` (mean reduction, float64) on stored logits and integer targets,
and its gradient dL/dlogits by autograd; also ``torch.softmax`` and ``torch.log_softmax`` of the
same logits. The cases include logits near ±1000 (a softmax that does not subtract the max
overflows there) and a target whose probability is tiny. Written to ``torch_softmax.npz`` next to
this file; the tests read it with plain numpy, so torch is never needed by the suite.

Regenerate with:
    pip install torch==2.13.0 numpy && python tests/reference/make_torch_softmax_reference.py
"""

from pathlib import Path

import numpy as np
import torch

OUT_PATH = Path(__file__).resolve().parent / "torch_softmax.npz"

# (N predictions, V symbols, logit scale, offset added to every logit)
CASES = [
    (1, 2, 1.0, 0.0),  # case0: one prediction, two symbols
    (7, 5, 1.0, 0.0),  # case1
    (12, 62, 3.0, 0.0),  # case2: the lesson's vocabulary size, peaked distributions
    (4, 10, 1.0, 1000.0),  # case3: e^1000 overflows unless the max is subtracted
    (4, 10, 1.0, -1000.0),  # case4: e^-1000 underflows to 0 for every symbol without the shift
    (6, 8, 30.0, 0.0),  # case5: targets with probability near e^-60
]
SEED_BASE = 909


def main():
    torch.set_default_dtype(torch.float64)
    out = {"cases": np.array([f"case{k}" for k in range(len(CASES))]), "torch_version": np.array([torch.__version__])}
    for k, (N, V, scale, offset) in enumerate(CASES):
        rng = np.random.default_rng(SEED_BASE + k)
        logits = scale * rng.normal(size=(N, V)) + offset
        targets = rng.integers(0, V, size=N)
        y = torch.tensor(logits, requires_grad=True)
        loss = torch.nn.CrossEntropyLoss()(y, torch.tensor(targets))
        loss.backward()
        out[f"case{k}/logits"] = logits
        out[f"case{k}/targets"] = targets.astype(np.int64)
        out[f"case{k}/loss"] = np.array(loss.item())
        out[f"case{k}/grad"] = y.grad.numpy().copy()
        out[f"case{k}/softmax"] = torch.softmax(y.detach(), dim=-1).numpy()
        out[f"case{k}/log_softmax"] = torch.log_softmax(y.detach(), dim=-1).numpy()
    np.savez(OUT_PATH, **out)
    print(f"wrote {OUT_PATH.name}: {len(CASES)} cases, torch {torch.__version__}")


if __name__ == "__main__":
    main()
