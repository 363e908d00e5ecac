# SPDX-License-Identifier: GPL-3.0-or-later
"""The live sections of a facility's public page, without the ORM.

live_sections.py reads the facts (who is posted, who checked in, who is
rostered, what is in stock, which machines work, which complaints were
resolved in time); the functions here turn them into what a page shows.
The public never sees a count of people under SMALL_NUMBER: it reads
"fewer than 5" instead (public_count gives None), so that a figure never
points at one person.  The managers' dashboard shows the raw figures.
"""
from collections import OrderedDict

SMALL_NUMBER = 5
SECTIONS = ('staff', 'medicines', 'equipment', 'complaints')
# The cadres of "doctors and nurses on duty", in the order shown
ON_DUTY_CADRES = ('MEDICAL', 'DENTAL', 'NURSING')


def public_count(count, threshold=SMALL_NUMBER):
    """count as the public reads it: None ("fewer than 5") when it is a
    number of people under threshold, 0 included"""
    if count is None or count < threshold:
        return None
    return count


def present_now(punches):
    """Whether the last of a person's punches of the day, [(at, 'in' or
    'out')], is a check-in: they came and have not left"""
    last = None
    for at, kind in sorted(punches, key=lambda p: (p[0], p[1] == 'in')):
        last = kind
    return last == 'in'


def staff_on_duty(people, cadres=ON_DUTY_CADRES):
    """Count by cadre the people [(cadre code, present now, rostered
    today)] of a facility: [{'cadre', 'present', 'rostered'}] in the
    order of cadres, a cadre with nobody posted left out"""
    counts = OrderedDict((c, {'cadre': c, 'present': 0, 'rostered': 0,
                'posted': 0}) for c in cadres)
    for cadre, present, rostered in people:
        if cadre not in counts:
            continue
        counts[cadre]['posted'] += 1
        counts[cadre]['present'] += bool(present)
        counts[cadre]['rostered'] += bool(rostered)
    return [c for c in counts.values() if c['posted']]


def public_staff(rows, threshold=SMALL_NUMBER):
    "staff_on_duty's rows with the counts of people the public may read"
    return [dict(row, present=public_count(row['present'], threshold),
            rostered=public_count(row['rostered'], threshold),
            posted=public_count(row['posted'], threshold))
        for row in rows]


def medicine_states(tracers, quantities):
    """[(code, name, available)] of the tracers [(product id, code,
    name)] from {product id: stock on hand}: available when above 0,
    never the quantity"""
    return [(code, name, (quantities.get(product) or 0) > 0)
        for product, code, name in tracers]


def equipment_states(items):
    """{category: {'total', 'working'}} of the machines [(category,
    status)] in service (condemned ones are not counted)"""
    result = OrderedDict()
    for category, status in items:
        if status == 'condemned':
            continue
        figures = result.setdefault(category, {'total': 0, 'working': 0})
        figures['total'] += 1
        figures['working'] += status == 'functional'
    return result


def complaints_in_sla(resolved):
    """{'resolved', 'in_time', 'percent'} of the complaints resolved, each
    a bool (resolved within the SLA's target or not); percent is None
    without any"""
    resolved = list(resolved)
    in_time = sum(1 for r in resolved if r)
    percent = round(100 * in_time / len(resolved)) if resolved else None
    return {'resolved': len(resolved), 'in_time': in_time,
        'percent': percent}


def enabled_sections(province, facility):
    """The sections shown: on for the province ({section: bool}) and for
    the facility ({section: bool}, a missing one on)"""
    return [s for s in SECTIONS
        if province.get(s, True) and facility.get(s, True)]
