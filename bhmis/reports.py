# SPDX-License-Identifier: GPL-3.0-or-later
"""The reports `bhmis report NAME` can write: every installed BHMIS module
may have a `report.py` with `REPORTS` [(name, title)] and
`render(name, district=None, facility=None, **options)` returning
(file name, XLSX bytes)."""
import importlib
from importlib.metadata import entry_points


def available():
    "Return [(report name, render function)] of the installed modules"
    result = []
    for entry in sorted(entry_points(group='trytond.modules'),
            key=lambda e: e.name):
        if not entry.name.startswith('bhmis_'):
            continue
        try:
            module = importlib.import_module('%s.report' % entry.value)
        except ModuleNotFoundError as exception:
            if exception.name != '%s.report' % entry.value:
                raise
            continue
        result.extend((name, module.render) for name, _ in module.REPORTS)
    return result
