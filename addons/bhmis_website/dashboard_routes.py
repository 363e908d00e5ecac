# SPDX-License-Identifier: GPL-3.0-or-later
"""The public transparency dashboard, /<lang>/dashboard, and its tables
as CSV (/<lang>/dashboard/districts.csv, /<lang>/dashboard/months.csv),
with shares of fewer than 5 people left out.  The figures are read once
per `[bhmis_website] cache_seconds` and web process (live_cache.py)."""
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from . import (
    dashboard,
    dashboard_csv,
    dashboard_data,
    dashboard_view,
    live_cache,
    live_sections,
)
from .routing import route


def figures(page):
    "The figures of every district, from the cache"
    key = ('dashboard', page.site.database, page.language)

    def read(pool):
        month_list = dashboard.months(live_sections.today())
        pairs = dashboard_data.read(month_list)
        return {'months': month_list, 'names': dashboard_data.names(),
            'pairs': {k: {m: dict(v) for m, v in measures.items()}
                for k, measures in pairs.items()}}
    return live_cache.pages.get(key, lambda: page.run(read))


def view(page):
    data = figures(page)
    month, rank, errors = dashboard_view.parse(page.request.args,
        data['months'])
    if errors:
        raise BadRequest()
    return dashboard_view.build(data, month, rank,
        dashboard.public_threshold(True), page._)


@route('/dashboard')
def dashboard_page(page):
    values = view(page)
    query = page.request.query_string.decode('ascii', 'replace')
    query = '?' + query if query else ''
    response = page.render('dashboard.html', title=page._('Dashboard'),
        group_title=page._('District'), twin=False, district=None,
        district_name=None,
        csv_districts=page.url('/dashboard/districts.csv') + query,
        csv_months=page.url('/dashboard/months.csv') + query, **values)
    response.headers['Cache-Control'] = 'public, max-age=%s' % (
        live_cache.ttl())
    return response


def csv_answer(name, headers, rows):
    response = Response(dashboard_csv.write(headers, rows),
        content_type='text/csv; charset=utf-8')
    response.headers['Content-Disposition'] = (
        'attachment; filename="%s"' % name)
    response.headers['Cache-Control'] = 'public, max-age=%s' % (
        live_cache.ttl())
    return response


@route('/dashboard/districts.csv')
def dashboard_districts(page):
    values = view(page)
    headers, rows = dashboard_view.table_csv(values, page._,
        page._('District'))
    return csv_answer('districts-%s.csv' % values['month_label'], headers,
        rows)


@route('/dashboard/months.csv')
def dashboard_months(page):
    values = view(page)
    headers, rows = dashboard_view.trend_csv(values, page._)
    return csv_answer('province-months.csv', headers, rows)
