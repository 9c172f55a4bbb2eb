"""Lesson 08's results picture: the held-out MSE of every variant at every seed, one panel per task.

The numbers come from ``lstm_core.lessons.l08_variants.compare_variants``; this module only draws them.
"""

import ipywidgets as widgets
import numpy as np

from lstm_core.lessons.l08_variants import GUESS_MSE, LEARNED, VARIANT_SHORT as SHORT
from .render import OKABE_ITO, BlitFigure

#: the log axis of the MSE; values beyond it are drawn on its edge, with an arrow
MSE_LIMITS = (1e-5, 1e2)
SEED_COLORS = (OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["green"], OKABE_ITO["purple"],
               OKABE_ITO["orange"])


def results_figure(results):
    """A BlitFigure: one panel per task, the variants along x, every seed's held-out MSE a dot (log scale)."""
    variants = list(dict.fromkeys(r.variant for r in results))
    tasks = list(dict.fromkeys(r.task for r in results))
    seeds = list(dict.fromkeys(r.seed for r in results))
    bf = BlitFigure(figsize=(11, 3.6))
    lo, hi = MSE_LIMITS
    width = 0.26
    for n, task in enumerate(tasks):
        ax = bf.fig.add_axes((0.06 + n * 0.315, 0.2, 0.27, 0.66))
        ax.set_yscale("log")
        ax.set_ylim(lo, hi)
        ax.set_yticks([1e-4, 1e-2, 1e0, 1e2], ["10⁻⁴", "0.01", "1", "100"])
        ax.minorticks_off()
        ax.set_xlim(-0.6, len(variants) - 0.4)
        ax.set_xticks(range(len(variants)), [SHORT[v] for v in variants], fontsize=8)
        ax.tick_params(labelsize=8)
        ax.set_title(task, fontsize=10)
        ax.axhline(GUESS_MSE[task], color="#555555", lw=1, ls="--")
        ax.axhline(LEARNED[task], color="#999999", lw=1, ls=":")
        if n == 0:
            ax.set_ylabel("held-out MSE (log)", fontsize=9)
        for k, v in enumerate(variants):
            mses = [next(r.test_mse for r in results if (r.variant, r.task, r.seed) == (v, task, s)) for s in seeds]
            ax.plot([k - width, k + width], [np.mean(mses)] * 2, color="black", lw=1.5)
            for j, m in enumerate(mses):
                y = float(np.clip(m, lo, hi))
                marker = "^" if m > hi else ("v" if m < lo else "o")
                ax.plot([k + (j - (len(seeds) - 1) / 2) * 0.12], [y], ls="none", marker=marker, ms=5,
                        color=SEED_COLORS[j % len(SEED_COLORS)], label=f"seed {seeds[j]}" if (k == 0 and n == 0) else None)
    bf.fig.axes[0].legend(loc="upper left", fontsize=7, frameon=False, ncol=len(seeds), handletextpad=0.1,
                          columnspacing=0.6)
    bf.fig.text(0.06, 0.02, "dots: one per seed (▲ above the chart)   black bar: the mean over the seeds   "
                "dashed: the MSE of predicting 0   dotted: the 'learned' line (MSE 0.05)", fontsize=8, color="#333333")
    bf.freeze()
    return bf


def results_image(results):
    """The results picture as an ``ipywidgets.Image`` for a notebook cell."""
    image = widgets.Image(value=results_figure(results).png(), format="png")
    image.add_class("lstm-plot")
    image.layout.max_width = "100%"
    image.layout.height = "auto"
    return image
