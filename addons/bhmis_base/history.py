# SPDX-License-Identifier: GPL-3.0-or-later
"""Changes of one field read from a model's history table (`_history`)."""
from sql import Column, Null, Window
from sql.conditionals import Coalesce
from sql.functions import Lag


def field_changes(Model, field, owner, extra=()):
    """Return a query of the changes of field on Model's records.

    Columns: id (the history row), <owner> (the record), date, user,
    <field>, previous_<field> and the extra history columns.
    """
    history = Model.__table_history__()
    history_id = Column(history, '__id')
    value = Column(history, field)
    window = Window([history.id], order_by=[history_id.asc])
    rows = history.select(
        history_id.as_('id'),
        history.id.as_(owner),
        Coalesce(history.write_date, history.create_date).as_('date'),
        Coalesce(history.write_uid, history.create_uid).as_('user'),
        value.as_(field),
        Lag(value, window=window).as_('previous_' + field),
        *(Column(history, c).as_(c) for c in extra),
        where=value != Null)
    current = Column(rows, field)
    previous = Column(rows, 'previous_' + field)
    return rows.select(
        rows.id, Column(rows, owner), rows.date, rows.user, current,
        previous, *(Column(rows, c) for c in extra),
        where=(previous == Null) | (previous != current))
