"""Lesson 06's pictures and tables: the loss curve, the activations before and after training, and the
numbers beside them.

Every number comes from a ``lstm_core.lessons.training_session.TrainingSession``; this module only draws it.
"""

import numpy as np

from lstm_core.examples import EXPECTED_NEXT
from lstm_core.gates import QUANTITIES
from .format import small as loss_text
from .plots import Heatmap, label
from .render import OKABE_ITO, QUANTITY_COLORS

#: the fixed log axis of the loss; values beyond it are drawn on its edge
LOSS_LIMITS = (1e-6, 1e2)
#: the activation heatmaps show this many units at a time (a dropdown picks which)
UNITS_SHOWN = 2
#: the fixed axis of the mean |after − before| bars; c can move further (drawn on the edge)
CHANGE_LIMIT = 2.0
RUN_COLOR = OKABE_ITO["blue"]
PREVIOUS_COLOR = OKABE_ITO["grey"]


def settings_text(settings):
    """"lr = 0.1, H = 4, 800 steps": settings as the learner reads them."""
    return f"lr = {settings['lr']:.2g}, H = {settings['H']}, {settings['steps']} steps"


def checkpoints(steps):
    """The steps the loss table shows: 0, ¼, ½, ¾ of the run and its end."""
    return sorted({int(round(steps * q)) for q in (0.0, 0.25, 0.5, 0.75, 1.0)})


def units_text(first, H):
    """"units 3–4" (0-based ``first``), or "unit 7" when only one is left."""
    last = min(first + UNITS_SHOWN, H)
    return f"units {first + 1}–{last}" if last > first + 1 else f"unit {first + 1}"


def shown_rows(first, H):
    """(quantity, unit or None) per heatmap row: quantity-major, UNITS_SHOWN units from ``first``."""
    return [(k, first + j if first + j < H else None) for k in QUANTITIES for j in range(UNITS_SHOWN)]


def start_note(H, seed):
    if H == 2:
        return "Start weights: the vector example's exact weights (H = 2), the ones that predict 0.6893."
    return (f"Start weights: <b>random</b>, LSTMParams.random(1, {H}, 1, seed={seed}) — the example only has "
            f"weights for H = 2, so with H = {H} the network starts from a seeded random draw.")


class LossCurve:
    """The log-scale loss of this run (blue) and of the run before (grey dashed), on a BlitFigure."""

    def __init__(self, bf, max_steps):
        ax = self.ax = bf.fig.add_axes((0.13, 0.12, 0.83, 0.68))
        ax.set_yscale("log")
        ax.set_ylim(*LOSS_LIMITS)
        ax.set_xlim(0, max_steps)
        # plain labels: log axes otherwise label with mathtext, slow to lay out on the first draw
        ax.set_yticks([1e-6, 1e-4, 1e-2, 1e0, 1e2], ["10⁻⁶", "10⁻⁴", "10⁻²", "1", "10²"])
        ax.minorticks_off()
        ax.tick_params(labelsize=8)
        ax.set_xlabel("Adam step", fontsize=9, labelpad=1)
        ax.set_ylabel("loss: mean (y − target)², log scale", fontsize=9)
        ax.grid(True, which="major", axis="y", color="#eeeeee", lw=0.8)
        (prev,) = ax.plot([], [], color=PREVIOUS_COLOR, lw=1.4, ls="--", label="previous run")
        (line,) = ax.plot([], [], color=RUN_COLOR, lw=1.8, label="this run")
        (end,) = ax.plot([], [], ls="none", marker="o", ms=5, color=RUN_COLOR, clip_on=False)
        self.end_of_run = bf.dynamic(ax.axvline(0, color="#bbbbbb", lw=1.0, ls=":", zorder=0))
        self.prev_line, self.loss_line, self.loss_end = bf.dynamic(prev, line, end)
        # the numbers above the axes, where no line can run under them
        self.texts = {
            "now": bf.dynamic(bf.fig.text(0.13, 0.935, "", fontsize=9, color=RUN_COLOR)),
            "prev": bf.dynamic(bf.fig.text(0.13, 0.885, "", fontsize=8, color="#555555")),
            "clip": bf.dynamic(bf.fig.text(0.13, 0.835, "", fontsize=8, color="#555555")),
        }

    def update(self, session, next_settings):
        """The session's curves; ``next_settings`` ({lr, H, steps}, the sliders) marks the end of the next run."""
        lo, hi = LOSS_LIMITS
        losses = session.losses
        y = np.clip(np.asarray(losses, dtype=np.float64), lo, hi)
        x = np.arange(len(y))
        self.loss_line.set_data(x, y)
        if len(y):
            self.loss_end.set_data(x[-1:], y[-1:])
        else:  # before a run: the start loss at step 0
            self.loss_end.set_data([0], [np.clip(session.start_loss, lo, hi)])
        self.end_of_run.set_xdata([next_settings["steps"]] * 2)
        prev = session.previous[0] if session.previous is not None else []
        self.prev_line.set_data(np.arange(len(prev)), np.clip(np.asarray(prev, dtype=np.float64), lo, hi))
        if losses:
            self.texts["now"].set_text(f"this run, blue ({settings_text(session.run_settings)}):  "
                                       f"step {len(losses) - 1},  loss {loss_text(losses[-1])}")
        else:
            self.texts["now"].set_text(f"start loss {loss_text(session.start_loss)}: press Train to run "
                                       f"{settings_text(next_settings)}")
        self.texts["prev"].set_text(f"previous run, grey dashed ({settings_text(session.previous[1])}):  "
                                    f"loss {loss_text(prev[-1])}" if len(prev) else "")
        below, above = int(np.sum(np.asarray(losses) < lo)), int(np.sum(np.asarray(losses) > hi))
        parts = ([f"{below} losses below 1e-6 (drawn on the bottom edge)"] if below else []) + (
            [f"{above} losses above 1e2 (drawn on the top edge)"] if above else [])
        self.texts["clip"].set_text("this run: " + "; ".join(parts) if parts else "")


class ActivationMaps:
    """Two heatmaps (every quantity of UNITS_SHOWN units, for t = 1..T, before and after training) and
    the bars of mean |after − before| per quantity, on a BlitFigure."""

    def __init__(self, bf, T):
        rows = len(QUANTITIES) * UNITS_SHOWN
        cols = [f"t={t}" for t in range(1, T + 1)]
        self.maps, self.row_labels = {}, {}
        for name, left, title in (("before", 0.075, "before training"), ("after", 0.39, "after training")):
            heatmap = Heatmap(bf, (left, 0.12, 0.23, 0.79), (rows, T), -1.0, 1.0, col_labels=cols, title=title,
                              fmt="{:.2f}")
            heatmap.ax.set_yticks([])
            self.maps[name] = heatmap
            # unit numbers change with the dropdown, so the row names are dynamic texts left of the cells
            self.row_labels[name] = [bf.dynamic(heatmap.ax.text(-0.6, r, "", ha="right", va="center", fontsize=8))
                                     for r in range(rows)]
        self.press_train = bf.dynamic(self.maps["after"].ax.text(
            (T - 1) / 2, (rows - 1) / 2, "press Train", ha="center", va="center", fontsize=10, color="#666666"))
        self.units_caption = bf.dynamic(bf.fig.text(0.075, 0.025, "", fontsize=8, color="#666666"))
        self._build_change_bars(bf)

    def _build_change_bars(self, bf):
        ax = self.ax_change = bf.fig.add_axes((0.725, 0.12, 0.2, 0.74))
        n = len(QUANTITIES)
        bars = ax.barh(np.arange(n), np.zeros(n), color=[QUANTITY_COLORS[k] for k in QUANTITIES], height=0.6)
        self.bars = [bf.dynamic(b) for b in bars]
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0, CHANGE_LIMIT * 1.3)  # room on the right for the numbers
        ax.set_yticks(range(n), list(QUANTITIES), fontsize=9)
        ax.set_xticks([0, 1, 2])
        ax.tick_params(labelsize=8)
        ax.set_title("mean |after − before|\nover units and steps", fontsize=9)
        ax.axvline(CHANGE_LIMIT, color="#cccccc", lw=0.8, zorder=0)  # bars stop here (c may move further)
        self.bar_texts = [bf.dynamic(ax.text(CHANGE_LIMIT * 1.28, r, "", ha="right", va="center", fontsize=8))
                          for r in range(n)]

    def update(self, session, first):
        """The session's before/after activations for the units from ``first`` (0-based) on."""
        H, T = session.hidden_size, len(session.sequence)
        rows = shown_rows(first, H)
        for name, trace in (("before", session.before), ("after", session.after)):
            values = np.full((len(rows), T), np.nan)  # (rows, T)
            if trace is not None:
                for r, (k, u) in enumerate(rows):
                    if u is not None:
                        values[r] = getattr(trace, k)[:, u]
            self.maps[name].update(values)
            for r, text in enumerate(self.maps[name].texts.flat):
                if np.isnan(values.flat[r]):
                    text.set_text("")
            for text, (k, u) in zip(self.row_labels[name], rows):
                text.set_text(f"{k}[{u + 1}]" if u is not None else "")
        self.units_caption.set_text(f"{units_text(first, H)} of H = {H}  ·  colours clipped to ±1 (c may exceed)")
        self.press_train.set_visible(session.after is None)
        self.press_train.set_text("training …" if session.running else "press Train")
        for r, k in enumerate(QUANTITIES):
            delta = 0.0 if session.change is None else session.change[k]
            self.bars[r].set_width(min(delta, CHANGE_LIMIT))
            self.bar_texts[r].set_text("" if session.change is None else f"{delta:.2f}")


# ------------------------------------------------------------------------------------------------ tables
# each returns (header, rows) for the explorer's html_table


def results_table(session):
    before = float(session.before.prediction[0])
    rows = [["before training", f"{before:.4f}", f"{abs(before - EXPECTED_NEXT):.4f}",
             loss_text(session.start_loss)]]
    if session.after is None:
        rows.append(["after training", "—", "—", "—"])
    else:
        after = float(session.after.prediction[0])
        rows.append([f"after {session.steps_done} steps", f"{after:.4f}", f"{abs(after - EXPECTED_NEXT):.4f}",
                     loss_text(session.history.final_loss)])
    header = ["", "prediction for 1, 2, 3", f"|prediction − {EXPECTED_NEXT}|", "loss (8 sequences)"]
    return header, rows


def loss_table(session):
    losses = session.losses
    if not losses:
        return ["step", "0"], [["loss", loss_text(session.start_loss)]]
    marks = checkpoints(len(losses) - 1)
    return ["step"] + [str(k) for k in marks], [["loss"] + [loss_text(losses[k]) for k in marks]]


def activation_table(session, first):
    T = len(session.sequence)
    header = [""] + [f"before t={t}" for t in range(1, T + 1)] + [f"after t={t}" for t in range(1, T + 1)]
    body = []
    for k, u in shown_rows(first, session.hidden_size):
        if u is None:
            continue
        cells = [f"{getattr(session.before, k)[t, u]:.4f}" for t in range(T)]
        cells += (["—"] * T if session.after is None else [f"{getattr(session.after, k)[t, u]:.4f}" for t in range(T)])
        body.append([f"{k}[{u + 1}]"] + cells)
    return header, body


def change_table(session):
    header = ["mean |after − before|"] + [label(k) for k in QUANTITIES]
    change = session.change
    cells = ["—"] * len(QUANTITIES) if change is None else [f"{change[k]:.4f}" for k in QUANTITIES]
    return header, [["over units and steps"] + cells]
