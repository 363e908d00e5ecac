# SPDX-License-Identifier: GPL-3.0-or-later
"""The inventory reports `bhmis report NAME` writes (see bhmis/reports.py)."""
from . import equipment_report

REPORTS = list(equipment_report.REPORTS)
RENDERERS = {name: equipment_report.render
    for name, _ in equipment_report.REPORTS}


def render(name, district=None, facility=None, **options):
    "Return (file name, XLSX bytes) of the report name"
    return RENDERERS[name](name, district=district, facility=facility,
        **options)
