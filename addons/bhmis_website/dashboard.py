# SPDX-License-Identifier: GPL-3.0-or-later
"""The transparency dashboard's figures, without the ORM.

dashboard_data.py reads, per district (or facility) and month, the
numerator and denominator of each measure; here they become percentages
for the province and each district, a ranked table and the 13 months of
each measure's chart.  The public dashboard does not show a share whose
denominator counts fewer than SMALL_NUMBER (people, posts or complaints):
it reads "fewer than 5" instead; the managers' twin shows every figure.
"""
import datetime as dt

from .live import SMALL_NUMBER

# The measures, in the order of the table, with their definitions
# (written in English here, translated by the catalogue)
MEASURES = ('attendance', 'posts', 'medicines', 'sla', 'satisfaction')
TITLES = {
    'attendance': "Staff attendance",
    'posts': "Posts filled",
    'medicines': "Tracer medicines available",
    'sla': "Complaints resolved within SLA",
    'satisfaction': "Satisfied complainants",
    }
DEFINITIONS = {
    'attendance': "Days staff were present (on time, late or leaving "
    "early) over the days they were rostered to work; leave, official "
    "duty, days off and holidays are not counted.",
    'posts': "Sanctioned posts held by an employee today over sanctioned "
    "posts; staff beyond the sanctioned posts are not counted.",
    'medicines': "Pairs of a service point and a tracer medicine in stock "
    "at the end of the month over all such pairs; a medicine a facility "
    "never received counts as out of stock.",
    'sla': "Complaints resolved within their category's target (20 days "
    "by default, paused while waiting on the citizen) over complaints "
    "resolved, by the month they were filed.",
    'satisfaction': "Complainants who rated the outcome as satisfactory "
    "over complainants who rated it, by the month the complaint was "
    "filed.",
    }
MONTHS = 13
# A share the public does not see: its denominator is under the threshold
FEW = 'few'


def month_start(date):
    return date.replace(day=1)


def add_months(date, months):
    index = date.year * 12 + date.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months(today, count=MONTHS):
    "The first days of this month and the count - 1 before, oldest first"
    this = month_start(today)
    return [add_months(this, n) for n in range(1 - count, 1)]


def share(numerator, denominator, threshold=0):
    """numerator over denominator in percent (one decimal), None without
    a denominator, FEW when it is under threshold"""
    if not denominator:
        return None
    if denominator < threshold:
        return FEW
    return round(100 * numerator / denominator, 1)


def known(value):
    "Whether value is a percentage (not unknown, not suppressed)"
    return value is not None and value != FEW


def add(pairs, key, numerator, denominator):
    "Add to the (numerator, denominator) of key in pairs"
    old = pairs.get(key, (0, 0))
    pairs[key] = (old[0] + numerator, old[1] + denominator)


def total(pairs_by_group):
    """{measure: {month: (numerator, denominator)}} summed over the
    groups of {group: {measure: {month: pair}}}"""
    result = {m: {} for m in MEASURES}
    for measures in pairs_by_group.values():
        for measure, by_month in measures.items():
            for month, (numerator, denominator) in by_month.items():
                add(result[measure], month, numerator, denominator)
    return result


def row(measures, month, threshold=0):
    """{measure: percent or None} of month from {measure: {month:
    (numerator, denominator)}}"""
    values = {}
    for measure in MEASURES:
        pair = measures.get(measure, {}).get(month)
        values[measure] = share(*pair, threshold) if pair else None
    return values


def score(values):
    "The mean of the measures known, or None"
    shares = [v for v in values.values() if known(v)]
    return round(sum(shares) / len(shares), 1) if shares else None


def ranked(rows, by='score'):
    """rows [{'key', 'name', 'values', 'score'}] sorted best first by the
    measure `by` (or the score), unknown last, with their rank (equal
    values share a rank)"""
    def value(item):
        found = item['score'] if by == 'score' else item['values'].get(by)
        return found if known(found) else None
    ordered = sorted(rows, key=lambda r: (value(r) is None,
            -(value(r) or 0), r['name']))
    rank, previous = 0, object()
    for position, item in enumerate(ordered, 1):
        if value(item) != previous:
            rank, previous = position, value(item)
        item['rank'] = rank if value(item) is not None else None
    return ordered


def table(pairs_by_group, names, month, threshold=0, by='score'):
    """The ranked rows of the groups ({key: name}) for month, and the
    total row ('key' None)"""
    rows = []
    for key, name in names.items():
        values = row(pairs_by_group.get(key, {}), month, threshold)
        rows.append({'key': key, 'name': name, 'values': values,
                'score': score(values)})
    every = row(total(pairs_by_group), month, threshold)
    return ranked(rows, by), {'key': None, 'name': None, 'values': every,
        'score': score(every)}


def series(measures, month_list, threshold=0):
    "{measure: [(month, percent or None)]} over month_list"
    return {m: [(month, share(*measures[m][month], threshold)
                if month in measures.get(m, {}) else None)
            for month in month_list]
        for m in MEASURES}


def public_threshold(suppress):
    return SMALL_NUMBER if suppress else 0
