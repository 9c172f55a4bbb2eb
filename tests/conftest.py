"""What every test module shares: how many workers `-n auto` starts, and the order the files are handed out
in (helpers/order.py)."""

import os

import pytest

from helpers.order import slow_files_first, workers_for


# optionalhook: the floor check's environment has no pytest-xdist, so no such hook to attach to
@pytest.hookimpl(wrapper=True, optionalhook=True)
def pytest_xdist_auto_num_workers(config):
    cpus = yield  # xdist's own count: the CPUs this process may use, or PYTEST_XDIST_AUTO_NUM_WORKERS
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return cpus  # asked for explicitly
    return workers_for(cpus, config.option.markexpr)


@pytest.hookimpl(trylast=True)  # after tests/browser/conftest.py has marked every browser test slow
def pytest_collection_modifyitems(config, items):
    items[:] = slow_files_first(items)
