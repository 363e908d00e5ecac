# SPDX-License-Identifier: GPL-3.0-or-later
"""pytest runs the modules' scenario_*.rst doctests the way Tryton's own
doctest suites do: each scenario gets a fresh database (doctest_teardown)."""
import os

from _pytest.doctest import DoctestItem

from bhmis import pg_catalog

# As `bhmis init` does: the test databases are made the same way
pg_catalog.install()

# Tests of two processes writing at once: on PostgreSQL only (Tryton's
# SQLite test database lives in one process's memory)
POSTGRESQL_ONLY = ['addons/bhmis_inventory/tests/test_issue_race.py',
    # PostgreSQL's own catalog
    'tests/test_pg_catalog.py',
    # Two app nodes share one database through PostgreSQL's notifications
    'tests/test_nodes.py']
collect_ignore = [] if os.environ.get('TRYTOND_DATABASE_URI', '').startswith(
    'postgresql') else POSTGRESQL_ONLY


def pytest_runtest_teardown(item, nextitem):
    if isinstance(item, DoctestItem):
        from trytond.tests.test_tryton import doctest_teardown
        doctest_teardown(item.dtest)
