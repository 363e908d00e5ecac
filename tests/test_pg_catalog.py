# SPDX-License-Identifier: GPL-3.0-or-later
"""bhmis.pg_catalog reads the same foreign keys and delete rules from
pg_catalog as Tryton's information_schema query, on every table of an
initialised BHMIS database (PostgreSQL only: conftest.py)."""
import psycopg
import pytest

from bhmis import pg_catalog

ALL_TABLES = (
    'SELECT k.table_name, k.constraint_name, k.column_name, r.delete_rule '
    'FROM information_schema.key_column_usage AS k '
    'JOIN information_schema.referential_constraints AS r '
    'ON r.constraint_schema = k.constraint_schema '
    'AND r.constraint_name = k.constraint_name '
    'WHERE k.table_schema = %s')


@pytest.fixture(scope='module')
def cursor(initialised_template):
    uri = initialised_template.uri.rstrip('/') + '/' + initialised_template.db
    with psycopg.connect(uri) as connection:
        yield connection.cursor()


def test_same_foreign_keys_as_information_schema(cursor):
    cursor.execute(ALL_TABLES, ('public',))
    expected = {}
    for table, name, column, rule in cursor.fetchall():
        expected.setdefault(table, {})[name, column] = rule
    # Every delete rule Tryton uses is met, so the mapping is checked
    rules = {r for keys in expected.values() for r in keys.values()}
    assert {'CASCADE', 'SET NULL', 'RESTRICT'} <= rules, rules
    assert len(expected) > 100, "an initialised BHMIS database"
    found = {table: pg_catalog.foreign_keys(cursor, table, 'public')
        for table in expected}
    assert found == expected
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    without = [t for t, in cursor.fetchall() if t not in expected]
    assert without, "tables without foreign keys"
    for table in without:
        assert pg_catalog.foreign_keys(cursor, table, 'public') == {}


def test_tryton_reads_foreign_keys_through_pg_catalog(cursor):
    "The test run (conftest.py), as `bhmis init`, has it installed"
    from trytond.backend.postgresql.table import TableHandler
    assert TableHandler._fk_deltypes.fget is pg_catalog._fk_deltypes
