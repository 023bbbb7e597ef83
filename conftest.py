"""pytest configuration shared by the addon's tests and the top-level tests/.

pytest-odoo switches Odoo's test mode on only while tests run; the test modules are
imported earlier, during collection, and importing ``odoo.tests`` outside test mode logs
an error. Test mode is switched on for the collection only: switching it on before the
registry loads would also run the at_install tests of every installed module.
"""

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_collection(session):
    try:
        from odoo.tools import config
    except ImportError:  # the pure law/ tests can run without Odoo
        yield
        return
    previous = config["test_enable"]
    config["test_enable"] = True
    try:
        yield
    finally:
        config["test_enable"] = previous
