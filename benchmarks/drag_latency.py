"""A slider dragged faster than the kernel can redraw: how many frames are drawn, and how long after the
release the final picture arrives? Prints a table.

    .venv/bin/python benchmarks/drag_latency.py            # every explorer with continuous sliders
    .venv/bin/python benchmarks/drag_latency.py --quick    # scalar and vector walkthroughs only

What it does, per explorer, in a real kernel (jupyter_client, the python3 kernel of this venv):

1. builds the explorer, measures its median redraw time R (20 code-set moves of the dragged slider),
   then slows every redraw down 3x artificially: ``draw`` sleeps 2 R after drawing (Binder's shared
   CPUs, as in the issue).
2. plays a drag the way the browser sends it: comm ``update`` messages for the slider, 60 per second
   for 2 s (120 values walking across the slider's range), exactly what ipywidgets' frontend sends.
3. listens on IOPub for the explorer image's new ``value`` and counts the frames drawn; the delay is
   from the last value sent (the release) to the last new picture.
4. checks in the kernel that the picture shown is the one of the final slider value (a fresh
   explorer set to that value by code draws the same PNG bytes).

Both modes run in the same kernel session: ``queue`` (every value is drawn in turn:
``Explorer.drop_stale = False``, the behaviour before issue 13) and ``drop stale`` (the default).
Also reported: one comm round trip (a value sent -> the kernel's echo of it, no redraw).
"""

import argparse
import json
import os
import platform
import queue
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "out"
RATE_HZ = 60
DRAG_SECONDS = 2.0
SLOWDOWN = 3.0

#: (factory, the dragged slider): explorers whose sliders send values while dragging (continuous_update)
EXPLORERS = [
    ("soft_switch", "w"),
    ("gated_signal", "z_i"),
    ("scalar_walkthrough", "W_xf"),
    ("vector_walkthrough", "W_xf[1,1]"),
    ("conveyor_belt", "b_f"),
    ("gradient_flow", "b_f"),
    ("cell_carry", "b_f"),
    ("variants", "b_f"),  # lesson 08
]
QUICK = ("scalar_walkthrough", "vector_walkthrough")

SETUP = r"""
import statistics, time
import numpy as np
from lstm_core import explore
from lstm_core.explore.explorers.base import Explorer
e = explore.{factory}()
s = e.controls[{name!r}]
grid = np.round(np.linspace(s.min, s.max, 41) / s.step) * s.step
times = []
for v in list(grid[5:25]):
    t0 = time.perf_counter(); s.value = float(v); times.append(time.perf_counter() - t0)
R = statistics.median(times)
_draw = e.draw
def slow_draw():
    _draw()
    time.sleep({extra} * R)
e.draw = slow_draw
s.value = float(grid[0])
print(repr((s.model_id, e.image.model_id, R * 1000)))
"""

CHECK = r"""
e.wait()
fresh = explore.{factory}()
fresh.controls[{name!r}].value = s.value
print(repr((s.value, fresh.image.value == e.image.value, e.frames)))
"""


class Kernel:
    """A kernel with a thread collecting IOPub messages (time received, message)."""

    def __init__(self):
        from jupyter_client import KernelManager

        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT)})
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.messages = queue.Queue()
        self._stop = False
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()

    def _listen(self):
        while not self._stop:
            try:
                msg = self.kc.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                continue
            self.messages.put((time.perf_counter(), msg))

    def drain(self):
        out = []
        while True:
            try:
                out.append(self.messages.get_nowait())
            except queue.Empty:
                return out

    def run(self, code):
        """Execute ``code``; return its stdout (fails on an error)."""
        self.drain()
        msg_id = self.kc.execute(code)
        while True:
            reply = self.kc.get_shell_msg(timeout=120)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel error: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")
        # the stdout of this execution, from the IOPub messages collected until the kernel is idle again
        collected, deadline = [], time.perf_counter() + 30
        while time.perf_counter() < deadline:
            collected += [m for _, m in self.drain()]
            if any(m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"
                   and m["parent_header"].get("msg_id") == msg_id for m in collected):
                break
            time.sleep(0.01)
        return "".join(m["content"]["text"] for m in collected
                       if m["msg_type"] == "stream" and m["content"]["name"] == "stdout"
                       and m["parent_header"].get("msg_id") == msg_id)

    def send_value(self, comm_id, value):
        """What ipywidgets' frontend sends when a slider moves."""
        content = {"comm_id": comm_id, "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}}
        msg = self.kc.session.msg("comm_msg", content)
        self.kc.shell_channel.send(msg)

    def stop(self):
        self._stop = True
        self._thread.join(timeout=2)
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def image_updates(messages, image_id):
    """Times at which the kernel sent a new picture for ``image_id``."""
    def new_value(data):  # ipywidgets 8 sends the bytes as a buffer, named in buffer_paths
        return data.get("method") == "update" and ("value" in data.get("state", {})
                                                   or ["value"] in data.get("buffer_paths", []))

    return [t for t, m in messages if m["msg_type"] == "comm_msg" and m["content"].get("comm_id") == image_id
            and new_value(m["content"]["data"])]


def slider_echoes(messages, slider_id):
    return [t for t, m in messages if m["msg_type"] == "comm_msg" and m["content"].get("comm_id") == slider_id]


def drag(kernel, slider_id, image_id, lo, hi, step, quiet_s):
    n = int(RATE_HZ * DRAG_SECONDS)
    values = [round((lo + (hi - lo) * (0.1 + 0.8 * k / (n - 1))) / step) * step for k in range(n)]
    kernel.drain()
    start = time.perf_counter()
    for k, v in enumerate(values):
        target = start + k / RATE_HZ
        while time.perf_counter() < target:
            time.sleep(0.0005)
        kernel.send_value(slider_id, v)
    release = time.perf_counter()
    # wait until no picture arrived for quiet_s
    seen, last = [], release
    while time.perf_counter() - last < quiet_s:
        time.sleep(0.05)
        new = kernel.drain()
        seen += new
        if image_updates(new, image_id):
            last = time.perf_counter()
    frames = image_updates(seen, image_id)
    return {"sent": n, "frames": len(frames), "delay_ms": ((frames[-1] - release) * 1000) if frames else float("nan"),
            "final": values[-1]}


def round_trip_ms(kernel, slider_id, value):
    kernel.drain()
    t0 = time.perf_counter()
    kernel.send_value(slider_id, value)
    while True:
        echoes = slider_echoes(kernel.drain(), slider_id)
        if echoes:
            return (echoes[0] - t0) * 1000
        if time.perf_counter() - t0 > 10:
            return float("nan")
        time.sleep(0.001)


def measure(factory, name):
    kernel = Kernel()
    try:
        out = kernel.run(SETUP.format(factory=factory, name=name, extra=SLOWDOWN - 1.0))
        slider_id, image_id, redraw_ms = eval(out.strip().splitlines()[-1])
        info = eval(kernel.run(f"print(repr((s.min, s.max, s.step)))").strip())
        lo, hi, step = info
        quiet = max(1.5, 6 * SLOWDOWN * redraw_ms / 1000)
        rows = {}
        for mode, drop in (("queue", False), ("drop stale", True)):
            kernel.run(f"Explorer.drop_stale = {drop}; s.value = float(grid[0]); e.frames = 0")
            result = drag(kernel, slider_id, image_id, lo, hi, step, quiet)
            value, matches, frames = eval(kernel.run(CHECK.format(factory=factory, name=name)).strip())
            result.update(kernel_value=value, matches=matches, kernel_frames=frames)
            rows[mode] = result
        kernel.run("Explorer.drop_stale = True; e.draw = _draw")
        rt = []
        for k in range(5):
            t = round_trip_ms(kernel, slider_id, lo + step * (k % 2))
            rt.append(t)
            time.sleep(0.3)
        return redraw_ms, rows, statistics.median(rt)
    finally:
        kernel.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", help="factories to measure (default: all)")
    args = parser.parse_args(argv)
    chosen = [(f, n) for f, n in EXPLORERS if (not args.quick or f in QUICK) and (not args.only or f in args.only)]
    lines = [
        f"Drag: {int(RATE_HZ * DRAG_SECONDS)} slider values sent at {RATE_HZ} per second, as comm messages to a "
        f"real kernel; every redraw slowed {SLOWDOWN:g}x (a sleep of {SLOWDOWN - 1:g} R after drawing, R = the "
        "median redraw time measured first). 'frames': new pictures the kernel sent; 'release -> final': from the "
        "last value sent to the last new picture; 'final = last value': the kernel's slider holds the last value "
        "sent and its picture is that of a fresh explorer set to it. 'round trip': a value sent -> the kernel's "
        "first message back for that slider (its echo; the picture follows from the render thread).",
        "",
        "| explorer (slider) | R ms | slowed R ms | mode | frames drawn / values sent | release -> final picture ms "
        "| final = last value | round trip ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for factory, name in chosen:
        redraw_ms, rows, rt = measure(factory, name)
        for mode, r in rows.items():
            ok = r["matches"] and abs(r["kernel_value"] - r["final"]) < 1e-9
            lines.append(f"| {factory} ({name}) | {redraw_ms:.1f} | {SLOWDOWN * redraw_ms:.1f} | {mode} | "
                         f"{r['frames']} / {r['sent']} | {r['delay_ms']:.0f} | {'yes' if ok else 'NO'} | {rt:.0f} |")
        print("\n".join(lines[-2:]), flush=True)
    load = os.getloadavg()
    lines.append("")
    lines.append(f"python {platform.python_version()}; load average at the end {load[0]:.1f} / {load[1]:.1f} / "
                 f"{load[2]:.1f} on {os.cpu_count()} CPUs; written {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.")
    text = "\n".join(['## Dragging faster than the kernel: frames drawn and the final picture', ""] + lines)
    print(text)
    OUT.mkdir(exist_ok=True)
    (OUT / "drag_latency.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
