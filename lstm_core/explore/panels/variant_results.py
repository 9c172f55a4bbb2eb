"""Lesson 08's study pictures: every run's held-out MSE (one panel per task), and what chance alone produces.

The numbers come from ``lstm_core.lessons.l08_variants`` (its runs, ``chance_counts`` and ``triple_orderings``);
this module only draws them. The pictures are ``IPython.display.Image`` objects, stored in the notebook as
image/png, so that a reader without a kernel (GitHub, nbviewer) sees them too.
"""

import numpy as np
from IPython.display import Image

from lstm_core.lessons import experiments as E
from lstm_core.lessons.l08_variants import (GUESS_MSE, LEARNED, TASKS, TRIPLES, VARIANT_SHORT as SHORT, chance_counts,
                                            triple_orderings)
from .render import OKABE_ITO, BlitFigure

#: the log axis of the MSE; values beyond it are drawn on its edge, as a triangle
MSE_LIMITS = (1e-5, 1e2)
CLAIM_COLOR = OKABE_ITO["blue"]
HELD_COLOR = OKABE_ITO["orange"]


def results_figure(runs):
    """A BlitFigure: one panel per task, the variants along x, every run's held-out MSE a dot (log scale); the claim
    seeds filled blue on the left, the held-back seeds (if ``runs`` has them) hollow orange on the right, the median
    of each set a black bar."""
    variants = E.models_of(runs)
    tasks = [t for t in TASKS if t in E.tasks_of(runs)]
    held = [s for s in E.HELD_BACK_SEEDS if s in E.seeds_of(runs)]
    sets = [(E.CLAIM_SEEDS, CLAIM_COLOR, "claim seeds")] + ([(tuple(held), HELD_COLOR, "held-back seeds")] if held
                                                              else [])
    bf = BlitFigure(figsize=(11, 3.8))
    lo, hi = MSE_LIMITS
    for n, task in enumerate(tasks):
        ax = bf.fig.add_axes((0.06 + n * 0.315, 0.2, 0.27, 0.66))
        ax.set_yscale("log")
        ax.set_ylim(lo, hi)
        ax.set_yticks([1e-4, 1e-2, 1e0, 1e2], ["10⁻⁴", "0.01", "1", "100"])
        ax.minorticks_off()
        ax.set_xlim(-0.6, len(variants) - 0.4)
        ax.set_xticks(range(len(variants)), [SHORT.get(v, v) for v in variants], fontsize=8)
        ax.tick_params(labelsize=8)
        ax.set_title(task, fontsize=10)
        ax.axhline(GUESS_MSE[task], color="#555555", lw=1, ls="--")
        ax.axhline(LEARNED, color="#999999", lw=1, ls=":")
        if n == 0:
            ax.set_ylabel("held-out MSE (log)", fontsize=9)
        for k, v in enumerate(variants):
            for j, (seeds, color, name) in enumerate(sets):
                mse = E.values(runs, v, task, seeds)
                centre = k + (j - (len(sets) - 1) / 2) * 0.36
                ax.plot([centre - 0.15, centre + 0.15], [np.median(mse)] * 2, color="black", lw=1.5, zorder=3)
                spread = np.linspace(-0.12, 0.12, len(mse))
                for d, (x, m) in enumerate(zip(centre + spread, mse)):
                    y = float(np.clip(m, lo, hi))
                    marker = "^" if m > hi else ("v" if m < lo else "o")
                    ax.plot([x], [y], ls="none", marker=marker, ms=3.5, mew=0.9, color=color,
                            mfc=color if j == 0 else "none", label=name if (k == d == n == 0) else None)
    bf.fig.axes[0].legend(loc="upper left", fontsize=7, frameon=False, ncol=2, handletextpad=0.1, columnspacing=0.8)
    bf.fig.text(0.06, 0.03, "dots: one run (seed) each   black bar: the median   dashed: the MSE of predicting 0 "
                f"(failed at or above)   dotted: MSE {LEARNED:g}", fontsize=8, color="#333333")
    bf.freeze()
    return bf


def chance_figure(runs):
    """A BlitFigure: per task, how many of the 30 ordered pairs look "held at every seed" when six copies of the
    vanilla cell are dealt three seeds each (bars: the share of deals), and what three seeds of the six real
    variants showed (triangles, one per seed triple)."""
    tasks = [t for t in TASKS if t in E.tasks_of(runs)]
    bf = BlitFigure(figsize=(11, 3.3))
    top = 12
    for n, task in enumerate(tasks):
        ax = bf.fig.add_axes((0.06 + n * 0.315, 0.22, 0.27, 0.62))
        counts = np.bincount(np.minimum(chance_counts(runs, task), top), minlength=top + 1)
        share = counts / counts.sum()
        ax.bar(np.arange(top + 1), share, color=OKABE_ITO["grey"], width=0.8,
               label="six copies of vanilla (chance alone)" if n == 0 else None)
        for j, seeds in enumerate(TRIPLES):
            k = min(len(triple_orderings(runs, task, seeds)), top)
            ax.plot([k], [0.02 + 0.05 * j + max(share) * 1.02], ls="none", marker="v", ms=7, color=OKABE_ITO["vermillion"],
                    label="the six variants, seeds 0–2, 3–5, 6–8" if (n == 0 and j == 0) else None)
            ax.text(k + 0.35, 0.02 + 0.05 * j + max(share) * 1.02, f"{seeds[0]}–{seeds[-1]}", fontsize=7,
                    va="center", color=OKABE_ITO["vermillion"])
        ax.set_xlim(-0.6, top + 0.6)
        ax.set_ylim(0, max(share) * 1.02 + 0.2)
        ax.set_xticks(range(0, top + 1, 2))
        ax.tick_params(labelsize=8)
        ax.set_title(task, fontsize=10)
        ax.set_xlabel("orderings \"held at all 3 seeds\" (of 30 pairs)", fontsize=8)
        if n == 0:
            ax.set_ylabel("share of the deals", fontsize=9)
    bf.fig.legend(loc="upper left", bbox_to_anchor=(0.06, 1.0), fontsize=8, frameon=False, ncol=2)
    bf.freeze()
    return bf


def image(bf):
    """A BlitFigure as a picture the notebook stores (image/png)."""
    return Image(data=bf.png(), format="png")


def results_image(runs):
    """The results picture, for a notebook cell."""
    return image(results_figure(runs))


def chance_image(runs):
    """The chance picture, for a notebook cell."""
    return image(chance_figure(runs))
