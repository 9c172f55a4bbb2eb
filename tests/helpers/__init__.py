"""Helpers shared by the test files in tests/ (imported as ``helpers.*``: pytest's default import mode puts
tests/ on sys.path, since tests/ itself is not a package)."""
