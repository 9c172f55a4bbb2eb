"""Browser tests (pytest -m browser): a package, so its module names cannot clash with tests/."""
