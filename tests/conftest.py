"""What every test module shares: the order the files are handed out in (helpers/order.py)."""

import pytest

from helpers.order import slow_files_first


@pytest.hookimpl(trylast=True)  # after tests/browser/conftest.py has marked every browser test slow
def pytest_collection_modifyitems(config, items):
    items[:] = slow_files_first(items)
