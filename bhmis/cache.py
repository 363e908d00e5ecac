# SPDX-License-Identifier: GPL-3.0-or-later
"""Tryton's memory cache, made safe for SQLite transactions.

On SQLite (no LISTEN/NOTIFY channel) MemoryCache.sync reads the cache table
through the database's single connection in autocommit mode, and leaves it
there: the transaction that just started then commits every statement, so a
request or an import that fails half-way keeps what it wrote. This class
restores the transaction's isolation level after the sync. Configured by
`bhmis` in var/trytond.conf ([cache] class).
"""
import sqlite3

from trytond.cache import MemoryCache


class Cache(MemoryCache):

    @classmethod
    def sync(cls, transaction):
        connection = transaction.connection
        if not isinstance(connection, sqlite3.Connection):
            return super().sync(transaction)
        level = connection.isolation_level
        try:
            return super().sync(transaction)
        finally:
            connection.isolation_level = level
