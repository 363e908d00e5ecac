# SPDX-License-Identifier: GPL-3.0-or-later
"""Tryton's foreign key introspection on PostgreSQL, read from pg_catalog.

When Tryton creates or updates a table, its TableHandler asks for the
delete rule of each of the table's foreign keys through information_schema
(key_column_usage joined with referential_constraints).  On a BHMIS
database that query takes about a second per table, and it is most of
`bhmis init`'s time on PostgreSQL.  pg_constraint gives the same rows in
about a millisecond (benchmarks/init.py measures both).

install() swaps that one query, in the processes that create or update
the schema: `bhmis init` (through bhmis.admin) and the test runs.
"""
from trytond.transaction import Transaction

# pg_constraint.confdeltype as information_schema spells it
DELETE_RULES = {
    'a': 'NO ACTION',
    'r': 'RESTRICT',
    'c': 'CASCADE',
    'n': 'SET NULL',
    'd': 'SET DEFAULT',
    }
FOREIGN_KEYS = (
    'SELECT c.conname, a.attname, c.confdeltype '
    'FROM pg_constraint AS c '
    'JOIN pg_class AS r ON r.oid = c.conrelid '
    'JOIN pg_namespace AS n ON n.oid = r.relnamespace '
    'JOIN pg_attribute AS a '
    'ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) '
    "WHERE c.contype = 'f' AND r.relname = %s AND n.nspname = %s")
INFORMATION_SCHEMA = (
    'SELECT k.constraint_name, k.column_name, r.delete_rule '
    'FROM information_schema.key_column_usage AS k '
    'JOIN information_schema.referential_constraints AS r '
    'ON r.constraint_schema = k.constraint_schema '
    'AND r.constraint_name = k.constraint_name '
    'WHERE k.table_name = %s AND k.table_schema = %s')


def foreign_keys(cursor, table, schema):
    "Return {(constraint, column): delete rule} of the table's foreign keys"
    cursor.execute(FOREIGN_KEYS, (table, schema))
    return {(name, column): DELETE_RULES[rule]
        for name, column, rule in cursor}


def _fk_deltypes(self):
    # The attribute TableHandler itself caches in and resets
    if self._TableHandler__fk_deltypes is None:
        self._TableHandler__fk_deltypes = foreign_keys(
            Transaction().connection.cursor(), self.table_name,
            self.table_schema)
    return self._TableHandler__fk_deltypes


def install():
    "Make Tryton's PostgreSQL TableHandler read foreign keys from pg_catalog"
    from trytond.backend.postgresql.table import TableHandler
    TableHandler._fk_deltypes = property(_fk_deltypes)
