"""Lesson math: one module per lesson (``l04_conveyor_belt`` for lesson 04 ...), with that lesson's questions
and exercise checkers beside it.

Numpy only, like the core below it; the widgets in ``lstm_core.explore`` sit above it.
"""
