"""A pytest plugin for benchmarks/suite_time.py: every pytest run that `make` starts writes its junit XML
(each test's setup + call + teardown time) to $SUITE_TIME_JUNIT_DIR/<environment>-<pid>.xml.

Why not `--junitxml` in PYTEST_ADDOPTS: every pytest would write the same file, the floor check's run
(after the main one) last. pytest runs that a test starts (the OpenBLAS kernel matrix runs the golden and
CLI tests under each kernel) inherit SUITE_TIME_JUNIT_NESTED and write nothing: their time is already the
starting test's. Loaded with `-p suite_time_junit` (this folder on PYTHONPATH); stdlib and pytest only.
"""

import os
import sys

import pytest


@pytest.hookimpl(tryfirst=True)  # before junitxml's own pytest_configure reads the option
def pytest_configure(config):
    folder = os.environ.get("SUITE_TIME_JUNIT_DIR")
    if not folder or os.environ.get("SUITE_TIME_JUNIT_NESTED") or getattr(config.option, "xmlpath", None):
        return
    os.environ["SUITE_TIME_JUNIT_NESTED"] = "1"  # for the pytest runs this one starts
    config.option.xmlpath = os.path.join(folder, f"{os.path.basename(sys.prefix).lstrip('.')}-{os.getpid()}.xml")
