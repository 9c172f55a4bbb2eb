"""Panels: the pictures the explorers show (cell diagram, plots, equations) and how they are rendered."""
