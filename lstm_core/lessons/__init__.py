"""The lessons' setups, probes, questions and exercise checkers, one module per lesson (numpy only)."""
