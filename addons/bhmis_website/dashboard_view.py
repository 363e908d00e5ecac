# SPDX-License-Identifier: GPL-3.0-or-later
"""What the dashboard page and its CSV files show, from the figures read
by dashboard_data.py: the ranked table of a month, the province's 13
months, and their charts.  Shared by the public dashboard (suppressed)
and the managers' twin (raw, drillable)."""
import datetime as dt
import re

from . import dashboard, dashboard_chart

MONTH = re.compile(r'^(\d{4})-(\d{2})$')


def parse(args, month_list):
    """(month, rank measure, errors) of the query string args: the month
    must be one of month_list (the last by default)"""
    errors = []
    month = month_list[-1]
    text = (args.get('month') or '').strip()
    if text:
        match = MONTH.match(text)
        chosen = None
        if match:
            try:
                chosen = dt.date(int(match[1]), int(match[2]), 1)
            except ValueError:
                chosen = None
        if chosen in month_list:
            month = chosen
        else:
            errors.append('month')
    rank = (args.get('rank') or 'score').strip()
    if rank != 'score' and rank not in dashboard.MEASURES:
        errors.append('rank')
        rank = 'score'
    return month, rank, errors


def label(month):
    return month.strftime('%Y-%m')


def build(data, month, rank, threshold, translate):
    "The template's values"
    pairs, names, month_list = data['pairs'], data['names'], data['months']
    rows, total = dashboard.table(pairs, names, month, threshold, by=rank)
    for item in rows:
        item['link'] = None
    series = dashboard.series(dashboard.total(pairs), month_list, threshold)
    charts = {m: dashboard_chart.line_chart(series[m],
            translate(dashboard.TITLES[m]), 'trend-' + m, label=label)
        for m in dashboard.MEASURES}
    measure = rank if rank != 'score' else 'attendance'
    bars = dashboard_chart.bar_chart(
        [(r['name'], r['values'][measure]) for r in rows],
        translate(dashboard.TITLES[measure]), 'ranking')
    return {
        'measures': dashboard.MEASURES,
        'titles': dashboard.TITLES,
        'definitions': dashboard.DEFINITIONS,
        'month': month, 'month_label': label(month),
        'months': [label(m) for m in reversed(month_list)],
        'rank': rank, 'rows': rows, 'total': total, 'series': series,
        'charts': charts, 'bars': bars, 'bar_measure': measure,
        'label': label,
        }


def table_csv(view, translate, group_title):
    "(headers, rows) of the ranked table"
    headers = ([translate('Rank'), group_title]
        + ['%s (%%)' % translate(dashboard.TITLES[m])
            for m in dashboard.MEASURES] + [translate('Score (%)')])
    rows = [[r['rank'], r['name']]
        + [r['values'][m] for m in dashboard.MEASURES] + [r['score']]
        for r in view['rows']]
    total = view['total']
    rows.append([None, translate('Province')]
        + [total['values'][m] for m in dashboard.MEASURES]
        + [total['score']])
    return headers, rows


def trend_csv(view, translate):
    "(headers, rows) of the 13 months"
    headers = [translate('Month')] + ['%s (%%)' % translate(
            dashboard.TITLES[m]) for m in dashboard.MEASURES]
    series = view['series']
    months = [month for month, _ in series[dashboard.MEASURES[0]]]
    rows = [[label(month)] + [series[m][i][1] for m in dashboard.MEASURES]
        for i, month in enumerate(months)]
    return headers, rows
