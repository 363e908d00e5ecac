# SPDX-License-Identifier: GPL-3.0-or-later
"""The equipment status report: by facility and category the items in
each status with their failures, MTBF and MTTR, and the list of the items
that do not work. Computed under the user's record rules; written as XLSX
by `bhmis report equipment-status` and read by managers."""
from collections import defaultdict

from trytond.pool import Pool
from trytond.transaction import Transaction

from bhmis_base.xlsx import write_sheets

from . import reliability
from .equipment import DOWN

REPORTS = [('equipment-status', "Equipment Status")]
BATCH = 500
STATUS_COLUMNS = ['functional', 'non_functional', 'under_repair',
    'condemned']


def _name(record):
    return record.rec_name if record else ''


def _hours(value):
    return round(value, 1) if value is not None else None


def _equipment_ids(district=None, facility=None):
    Equipment = Pool().get('bhmis.equipment')
    domain = []
    if facility:
        domain.append(('facility', '=', facility.id))
    elif district:
        domain.append(('facility.district', '=', district.id))
    cursor = Transaction().connection.cursor()
    cursor.execute(*Equipment.search(domain, query=True, order=[]))
    return [i for i, in cursor]


def tables(district=None, facility=None):
    """Return the (title, headers, rows) of the sheets: counts by facility
    and category, then the items that do not work"""
    Equipment = Pool().get('bhmis.equipment')
    groups = defaultdict(list)
    down = []
    ids = _equipment_ids(district, facility)
    for start in range(0, len(ids), BATCH):
        equipment = Equipment.browse(ids[start:start + BATCH])
        for item, figures in Equipment.reliability_figures(
                equipment).items():
            groups[(item.facility, item.category)].append(
                (item.status, figures))
            if item.status in DOWN:
                down.append(item)
    summary = []
    for (facility_, category), items in sorted(groups.items(),
            key=lambda i: (_name(i[0][0].district), _name(i[0][0]),
                _name(i[0][1]))):
        counts = {s: 0 for s in STATUS_COLUMNS}
        for status, _ in items:
            counts[status] += 1
        mtbf, mttr = reliability.reliability([f for _, f in items])
        summary.append((_name(facility_.district), _name(facility_),
                _name(category), len(items),
                *(counts[s] for s in STATUS_COLUMNS),
                sum(f[1] for _, f in items), _hours(mtbf), _hours(mttr)))
    statuses = dict(Equipment.fields_get(['status'])['status']['selection'])
    not_working = [(_name(e.facility.district), _name(e.facility),
            e.asset_tag, _name(e.category), e.make, e.model_name,
            statuses[e.status], e.department)
        for e in sorted(down, key=lambda e: (_name(e.facility.district),
                _name(e.facility), e.asset_tag))]
    return [
        ("Equipment Status", ["District", "Facility", "Category", "Total",
                "Functional", "Non-Functional", "Under Repair", "Condemned",
                "Failures", "MTBF (hours)", "MTTR (hours)"], summary),
        ("Not Functional", ["District", "Facility", "Asset Tag",
                "Category", "Make", "Model", "Status", "Department"],
            not_working),
        ]


def render(name, district=None, facility=None, **options):
    "Return (file name, XLSX bytes) of the report name"
    if name not in dict(REPORTS):
        raise KeyError(name)
    scope = ', '.join(_name(r) for r in (district, facility) if r)
    today = Pool().get('ir.date').today()
    subtitle = '%s%s' % (scope + ' — ' if scope else '', today.isoformat())
    data = write_sheets(tables(district, facility), subtitle=subtitle,
        right_to_left=Transaction().language == 'ur')
    return '%s.xlsx' % name, data


