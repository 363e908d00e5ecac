# SPDX-License-Identifier: GPL-3.0-or-later
"""The enrolled faces of a database as one in-memory matching.Gallery per
process, refreshed when faces are added or deleted.

Each check-in asks the database for the count and the highest id of the
face table (one indexed query) and loads only what changed: new faces are
appended, a deletion reloads everything."""
import threading

import numpy
from sql.aggregate import Count, Max
from trytond.pool import Pool
from trytond.transaction import Transaction

from .face import encoding_from_bytes
from .matching import Gallery

_lock = threading.Lock()
_galleries = {}


def _stamp(table, cursor):
    cursor.execute(*table.select(Count(table.id), Max(table.id)))
    count, last = cursor.fetchone()
    return int(count or 0), int(last or 0)


def _load(table, cursor, after=0):
    cursor.execute(*table.select(table.id, table.employee, table.encoding,
            where=table.id > after, order_by=[table.id]))
    keys, encodings = [], []
    for _, employee, encoding in cursor:
        keys.append(employee)
        encodings.append(encoding_from_bytes(bytes(encoding)))
    if not encodings:
        return keys, numpy.zeros((0, 128), dtype=numpy.float32)
    return keys, numpy.vstack(encodings)


def current():
    "Return the Gallery of the transaction's database, up to date"
    Face = Pool().get('bhmis.attendance.face')
    table = Face.__table__()
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    name = transaction.database.name
    stamp = _stamp(table, cursor)
    with _lock:
        cached = _galleries.get(name)
        if cached and cached[0] == stamp:
            return cached[1]
        old = cached[0] if cached else (0, 0)
        if cached and stamp[1] > old[1] and stamp[0] > old[0]:
            keys, encodings = _load(table, cursor, after=old[1])
            if old[0] + len(keys) == stamp[0]:
                gallery = cached[1]
                gallery.add(keys, encodings)
                _galleries[name] = (stamp, gallery)
                return gallery
        keys, encodings = _load(table, cursor)
        gallery = Gallery(keys, encodings)
        _galleries[name] = (stamp, gallery)
        return gallery


def clear():
    with _lock:
        _galleries.clear()
