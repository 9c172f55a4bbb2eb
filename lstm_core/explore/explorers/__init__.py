"""Explorers: one per lesson widget. Each owns its widgets and asks the core or a lesson module for numbers."""
