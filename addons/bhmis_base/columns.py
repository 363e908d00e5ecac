# SPDX-License-Identifier: GPL-3.0-or-later
"""The column headers of the XLSX reports, in the user's language: each
header is a message `<module>.msg_column_<key>` (translated in the module's
locale like any other message), and a report's title is the label of its
name in the report wizard's selection."""
from trytond.i18n import gettext
from trytond.pool import Pool


def columns(module, *keys):
    "Return the translated headers of the keys, in order"
    return [gettext('%s.msg_column_%s' % (module, key)) for key in keys]


def selection_labels(model, field):
    "Return {value: translated label} of a selection field"
    Model = Pool().get(model)
    return dict(Model.fields_get([field])[field]['selection'])
