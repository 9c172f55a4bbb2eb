"""Lesson 08's stored study: every training run the lesson shows but does not train itself, in one file.

The study trains every variant of the cell (``l08_variants``) and every recall model (``l08_recall``) at the
claim seeds and at the seeds held back (``experiments``): 560 results of 440 trainings, about 10 minutes of CPU
on the plain path (the same bits on every CPU), too long for a lesson. They are computed here, written to
``STORE`` as plain arrays (no pickles), and read back as ``experiments.Run``. The lesson re-trains a part of them and checks that part against the store;
``make test`` recomputes one run of every model at every task (``sample_jobs``), ``make check-store`` all.

    python -m lstm_core.lessons.l08_store                     # every part into STORE
    python -m lstm_core.lessons.l08_store PART OUT.npz        # one part ("variants" or "recall"), to run side by side
    python -m lstm_core.lessons.l08_store --merge A.npz B.npz  # join parts into STORE
"""

import time
from pathlib import Path

import numpy as np

from ..cell import VARIANTS
from . import experiments as E
from . import l08_recall as R
from . import l08_variants as V

#: every run of the study (the variants and the recall models, at the claim seeds and the held-back seeds): 560
#: results of 440 trainings (one sine training is judged at two lengths), written by ``main``
STORE = Path(__file__).resolve().parents[1] / "data" / "l08_study.npz"
#: the ``detail`` entries kept in the store
STORED_DETAIL = ("c_end", "corr_c", "prod_f", "first_share", "corr_writes")
#: the parts of the store, each computed by ``compute_store``
STORE_PARTS = ("variants", "recall")


def store_jobs(parts=STORE_PARTS):
    """The trainings behind the store, in its order: ``("variant", variant, seed)`` (one recall run and the two
    sine runs) and ``("recall", label, (gap, seed))``, at CLAIM_SEEDS and HELD_BACK_SEEDS."""
    seeds = E.CLAIM_SEEDS + E.HELD_BACK_SEEDS
    jobs = []
    if "variants" in parts:
        jobs += [("variant", v, s) for v in VARIANTS for s in seeds]
    if "recall" in parts:
        jobs += [("recall", label, (gap, s)) for gap in R.STUDY_GAPS for label in R.LABELS for s in seeds]
    return jobs


def sample_jobs(jobs):
    """One job of each model at each task: the n-th (model, gap) group in ``jobs`` at its (n mod 20)-th seed,
    so the sample spans the seeds too (what ``make test`` recomputes; ``make check-store`` runs all)."""
    groups = {}
    for job in jobs:
        kind, name, arg = job
        groups.setdefault((kind, name, arg[0] if kind == "recall" else None), []).append(job)
    return [members[n % len(members)] for n, members in enumerate(groups.values())]


def compute_store(parts=STORE_PARTS, callback=None, jobs=None):
    """Every run the store holds (or those of ``jobs``, a part of ``store_jobs()``): the variants at CLAIM_SEEDS
    and HELD_BACK_SEEDS (``"variants"``), l08_recall's models at every gap of its study and the same seeds
    (``"recall"``). ``callback(done, total)`` after each job."""
    jobs = store_jobs(parts) if jobs is None else jobs
    out = []
    for n, (kind, name, arg) in enumerate(jobs):
        if kind == "variant":
            out.append(V.recall_result(name, arg))
            out.extend(V.sine_results(name, arg))
        else:
            out.append(R.one_run(name, *arg))
        if callback is not None:
            callback(n + 1, len(jobs))
    return out


def save_store(runs, path=STORE):
    """Write ``runs`` as arrays (no pickles): model, task, seed, train_mse, test_mse and STORED_DETAIL."""
    arrays = dict(model=np.array([r.model for r in runs]), task=np.array([r.task for r in runs]),
                  seed=np.array([r.seed for r in runs]), train_mse=np.array([r.train_mse for r in runs]),
                  test_mse=np.array([r.test_mse for r in runs]))
    for k in STORED_DETAIL:
        arrays[k] = np.array([r.detail.get(k, np.nan) for r in runs])
    np.savez_compressed(path, **arrays)


def stored_runs(path=STORE):
    """The stored runs, as experiments.Run (seconds 0: CPU time is not stored)."""
    with np.load(path, allow_pickle=False) as z:
        cols = {k: z[k] for k in z.files}
    out = []
    for n in range(len(cols["seed"])):
        detail = {k: float(cols[k][n]) for k in STORED_DETAIL if not np.isnan(cols[k][n])}
        out.append(E.Run(str(cols["model"][n]), str(cols["task"][n]), int(cols["seed"][n]),
                         float(cols["train_mse"][n]), float(cols["test_mse"][n]), 0.0, detail))
    return out


def split_stored(runs):
    """``(variant runs, recall-model runs)`` of the stored runs."""
    return [r for r in runs if r.model in VARIANTS], [r for r in runs if r.model not in VARIANTS]


def main(argv=None):
    """Recompute the stored runs and write STORE (or one part of them to another file, or merge parts)."""
    import sys

    argv = sys.argv[1:] if argv is None else argv
    start = time.process_time()
    if argv[:1] == ["--merge"]:
        runs = [r for p in argv[1:] for r in stored_runs(Path(p))]
        save_store(runs, STORE)
        print(f"wrote {len(runs)} runs to {STORE}")
        return
    if len(argv) not in (0, 2) or (argv and argv[0] not in STORE_PARTS):
        raise SystemExit(f"usage: python -m lstm_core.lessons.l08_store [PART OUT.npz | --merge A.npz B.npz ...];"
                         f" PART is one of {', '.join(STORE_PARTS)}")
    parts, path = (STORE_PARTS, STORE) if not argv else ((argv[0],), Path(argv[1]))
    runs = compute_store(parts, callback=lambda done, total: print(f"\r{done}/{total} jobs", end="", flush=True))
    save_store(runs, path)
    print(f"\nwrote {len(runs)} runs to {path} ({time.process_time() - start:.1f} s CPU)")


if __name__ == "__main__":
    main()
