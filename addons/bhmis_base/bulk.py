# SPDX-License-Identifier: GPL-3.0-or-later
"""`search_read` for report models whose answer runs to thousands of rows.

trytond 8.0's `search_read` turns the ids it finds into records before
reading them, and each record checks the whole list of ids it came with
(`ModelStorage.__init__`: `id in _ids` and an `isinstance` test of every
id): the cost grows with the square of the rows, about 2 s for the
province's 5,488 vacancy rows, for records that are only read.

A model opts in by putting the mixin first::

    class Vacancy(BulkReadMixin, ScopedMixin, ModelSQL, ModelView):

The ids come from the same `search` query (domain, access rules, order,
offset and limit included), then `read` answers as usual.
"""
from trytond.transaction import Transaction


class BulkReadMixin:
    __slots__ = ()

    @classmethod
    def search_read(cls, domain, offset=0, limit=None, order=None,
            fields_names=None):
        query = cls.search(domain, offset=offset, limit=limit, order=order,
            query=True)
        cursor = Transaction().connection.cursor()
        cursor.execute(*query)
        ids = [id_ for id_, in cursor]
        fields_names = list(fields_names or [])
        if 'id' not in fields_names:
            fields_names.append('id')
        rows = cls.read(ids, fields_names)
        index = {id_: i for i, id_ in enumerate(ids)}
        rows.sort(key=lambda row: index[row['id']])
        return rows
