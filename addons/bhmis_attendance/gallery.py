# SPDX-License-Identifier: GPL-3.0-or-later
"""The enrolled faces of a database as one in-memory matching.Gallery per
process, refreshed when faces are added or deleted.

Each check-in reads the gallery's state, the number of enrolled faces and
the highest face id, kept in one row by the faces' own create and delete
(counting the face table instead cost PostgreSQL a parallel scan of its
30 MB at every check-in), and loads only what changed: new faces are
appended, a deletion reloads everything. The count also catches a face
whose transaction committed after one with a higher id."""
import threading

import numpy
from sql.aggregate import Count, Max
from trytond.model import ModelSQL, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .face import encoding_from_bytes
from .matching import Gallery

_lock = threading.Lock()
_galleries = {}


class GalleryState(ModelSQL):
    "The number of enrolled faces and the highest face id, in one row"
    __name__ = 'bhmis.attendance.gallery_state'
    faces = fields.Integer("Faces", readonly=True)
    last_face = fields.Integer("Last Face", readonly=True)

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.select(table.id, limit=1))
        if cursor.fetchone() is None:
            # Counted from the faces already enrolled, if any
            face = Pool().get('bhmis.attendance.face').__table__()
            cursor.execute(*face.select(Count(face.id), Max(face.id)))
            count, last = cursor.fetchone()
            cursor.execute(*table.insert([table.faces, table.last_face],
                    [[int(count or 0), int(last or 0)]]))

    @classmethod
    def changed(cls, added=0, removed=0, last=None):
        """Record that faces were added (the highest new id last) or
        removed, in the transaction that writes them: enrolments wait for
        each other on the row"""
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.update([table.faces],
                [table.faces + (added - removed)]))
        if last is not None:
            cursor.execute(*table.update([table.last_face], [last],
                    where=table.last_face < last))


def _stamp(cursor):
    "(faces, highest face id) of the database"
    table = Pool().get('bhmis.attendance.gallery_state').__table__()
    cursor.execute(*table.select(table.faces, table.last_face, limit=1))
    count, last = cursor.fetchone() or (0, 0)
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
    stamp = _stamp(cursor)
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
