# SPDX-License-Identifier: GPL-3.0-or-later
"""The complaint reports of `bhmis report`: the summary by category,
district and month, SLA compliance by district, and the register.  No
report names a complainant."""
import datetime as dt
import statistics
from collections import defaultdict

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction

from bhmis_base.columns import columns, selection_labels
from bhmis_base.xlsx import write_table

REPORTS = [
    ('complaints-summary', "Complaints Summary"),
    ('complaints-sla', "Complaints SLA Compliance"),
    ('complaints-register', "Complaints Register"),
    ]
DONE = {'resolved', 'closed'}


def _name(record):
    return record.rec_name if record else ''


def percent(part, whole):
    "part of whole in percent, one decimal; None of nothing"
    return round(100 * part / whole, 1) if whole else None


def figures(complaints):
    """The figures of a group of complaints: filed, resolved, resolved in
    target and in the maximum (% of resolved), acknowledged in time (% of
    acknowledged), median days to resolve, satisfaction (% of rated) and
    reopen rate (% of resolved)"""
    resolved = [c for c in complaints if c['resolved']]
    acknowledged = [c for c in complaints
        if c['acknowledged_in_time'] is not None]
    rated = [c for c in complaints if c['satisfied'] is not None]
    days = [c['days'] for c in resolved if c['days'] is not None]
    return {
        'filed': len(complaints),
        'resolved': len(resolved),
        'acknowledged_in_time': percent(sum(
                1 for c in acknowledged if c['acknowledged_in_time']),
            len(acknowledged)),
        'resolved_in_target': percent(sum(
                1 for c in resolved if c['resolved_in_target']),
            len(resolved)),
        'resolved_in_max': percent(sum(
                1 for c in resolved if c['resolved_in_max']),
            len(resolved)),
        'median_days': round(statistics.median(days), 1) if days else None,
        'satisfied': percent(sum(1 for c in rated if c['satisfied']),
            len(rated)),
        'reopened': percent(sum(1 for c in resolved if c['reopened']),
            len(resolved)),
        }


def period_domain(year=None, date_from=None, date_to=None):
    """The domain of the complaints filed in the year and from date_from
    to date_to included (dates); refuse a period that ends before it
    starts"""
    if date_from and date_to and date_from > date_to:
        raise ValueError("the period ends (%s) before it starts (%s)"
            % (date_to, date_from))
    domain = []
    if year:
        domain += [('filed_at', '>=', dt.datetime(year, 1, 1)),
            ('filed_at', '<', dt.datetime(year + 1, 1, 1))]
    if date_from:
        domain.append(('filed_at', '>=',
                dt.datetime.combine(date_from, dt.time())))
    if date_to:
        domain.append(('filed_at', '<', dt.datetime.combine(
                    date_to + dt.timedelta(days=1), dt.time())))
    return domain


def _complaints(district=None, facility=None, year=None, date_from=None,
        date_to=None):
    "The complaints the user reads, as dicts of what the reports need"
    Complaint = Pool().get('bhmis.complaint')
    domain = period_domain(year, date_from, date_to)
    if facility:
        domain.append(('facility', '=', facility.id))
    elif district:
        domain.append(('district', '=', district.id))
    now = Complaint.now()
    rows = []
    for complaint in Complaint.search(domain,
            order=[('filed_at', 'ASC'), ('id', 'ASC')]):
        clock = complaint.compute_clock(now)
        resolved = complaint.state in DONE or bool(complaint.resolved_at)
        rows.append({
                'complaint': complaint,
                'month': complaint.filed_at.strftime('%Y-%m'),
                'resolved': resolved,
                'days': round(clock.days_open, 1) if resolved else None,
                'days_open': round(clock.days_open, 1),
                'acknowledged_in_time': clock.acknowledged_in_time,
                'resolved_in_target': clock.resolved_in_target,
                'resolved_in_max': clock.resolved_in_max,
                'satisfied': complaint.satisfied
                if complaint.rating else None,
                'reopened': bool(complaint.reopen_count),
                })
    return rows


FIGURES = ('filed', 'resolved', 'acknowledged_in_time',
    'resolved_in_target', 'resolved_in_max', 'median_days', 'satisfied',
    'reopened')


def summary(district=None, facility=None, year=None, date_from=None,
        date_to=None, **_):
    "Figures by category, district and month"
    groups = defaultdict(list)
    for row in _complaints(district, facility, year, date_from, date_to):
        complaint = row['complaint']
        groups[(_name(complaint.category), _name(complaint.district),
                row['month'])].append(row)
    headers = columns('bhmis_complaints', 'category', 'district', 'month',
        *FIGURES)
    rows = []
    for key in sorted(groups):
        values = figures(groups[key])
        rows.append((*key, *(values[f] for f in FIGURES)))
    return headers, rows


def sla(district=None, facility=None, year=None, date_from=None,
        date_to=None, **_):
    "SLA compliance by district, and the province's (or scope's) total"
    groups = defaultdict(list)
    every = _complaints(district, facility, year, date_from, date_to)
    for row in every:
        groups[_name(row['complaint'].district)].append(row)
    headers = columns('bhmis_complaints', 'district', *FIGURES)
    rows = [(name, *(figures(groups[name])[f] for f in FIGURES))
        for name in sorted(groups)]
    total = figures(every)
    rows.append((gettext('bhmis_complaints.msg_column_total'),
            *(total[f] for f in FIGURES)))
    return headers, rows


def register(district=None, facility=None, year=None, date_from=None,
        date_to=None, **_):
    "Every complaint, without who complained"
    states = selection_labels('bhmis.complaint', 'state')
    channels = selection_labels('bhmis.complaint', 'channel')
    levels = selection_labels('bhmis.complaint', 'escalation_level')
    headers = columns('bhmis_complaints', 'tracking_number', 'filed',
        'channel', 'category', 'district', 'facility', 'state',
        'resolve_by', 'days_open', 'escalated', 'rating')
    rows = []
    for row in _complaints(district, facility, year, date_from, date_to):
        c = row['complaint']
        rows.append((c.tracking_number, c.filed_at,
                channels.get(c.channel, c.channel), _name(c.category),
                _name(c.district), _name(c.facility),
                states.get(c.state, c.state), c.resolve_by, row['days_open'],
                levels.get(c.escalation_level) or '', c.rating))
    return headers, rows


BUILDERS = {
    'complaints-summary': summary,
    'complaints-sla': sla,
    'complaints-register': register,
    }


def render(name, district=None, facility=None, year=None, date_from=None,
        date_to=None, **_):
    """Return (file name, XLSX bytes) of the report name, of the
    complaints filed in the year and from date_from to date_to included"""
    headers, rows = BUILDERS[name](district=district, facility=facility,
        year=year, date_from=date_from, date_to=date_to)
    title = gettext('bhmis_complaints.msg_report_%s'
        % name.split('-', 1)[1])
    scope = ', '.join(_name(r) for r in (district, facility) if r)
    period = ' – '.join(d.isoformat() if d else '…'
        for d in (date_from, date_to)) if (date_from or date_to) else ''
    subtitle = '%s%s%s%s' % (scope + ' — ' if scope else '',
        '%s — ' % year if year else '', period + ' — ' if period else '',
        Pool().get('ir.date').today().isoformat())
    data = write_table(title, headers, rows, subtitle=subtitle,
        right_to_left=Transaction().language == 'ur')
    return '%s.xlsx' % name, data
