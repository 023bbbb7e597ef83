"""pytest configuration shared by the addon's tests and the top-level tests/.

pytest-odoo switches Odoo's test mode on only while tests run, but imports ``odoo.tests``
(and the test modules are collected) before that; Odoo then logs "Importing test
framework" as an error. Switching test mode on for the whole session would make the
registry run the at_install tests of every installed module, so instead test mode is on
during collection, and the one message pytest-odoo's own early import triggers is dropped.
"""

import logging

import pytest


class _DropEarlyTestImportError(logging.Filter):
    def filter(self, record):
        return not record.getMessage().startswith("Importing test framework")


logging.getLogger("odoo.tests.common").addFilter(_DropEarlyTestImportError())


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
