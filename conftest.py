# SPDX-License-Identifier: GPL-3.0-or-later
"""pytest runs the modules' scenario_*.rst doctests the way Tryton's own
doctest suites do: each scenario gets a fresh database (doctest_teardown)."""
from _pytest.doctest import DoctestItem


def pytest_runtest_teardown(item, nextitem):
    if isinstance(item, DoctestItem):
        from trytond.tests.test_tryton import doctest_teardown
        doctest_teardown(item.dtest)
