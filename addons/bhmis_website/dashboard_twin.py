# SPDX-License-Identifier: GPL-3.0-or-later
"""The managers' twin of the transparency dashboard, opened from the back
office (Reports › Dashboard for Managers): the same page without the
public's suppression of small numbers, drillable from the districts to
their facilities.

It lives under Tryton's routes, /<database>/bhmis/website/dashboard
(/admin/<database>/... behind bhmis serve), so that the back office's
session cookie reaches it.  It reads as the logged-in user with their
access rights and record rules: a district health officer sees their
districts; a user without the provincial manager's, the DHO's or the
administrator's role gets 403, a visitor without a session 401.  The
back office's URL action names the database as {database}, filled in
when the action is read."""
import datetime as dt

from trytond.pool import PoolMeta
from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.transaction import Transaction, check_access
from trytond.wsgi import app
from werkzeug.exceptions import BadRequest

from . import (
    dashboard,
    dashboard_csv,
    dashboard_data,
    dashboard_view,
    i18n,
    languages,
    live_sections,
    security,
)
from .render import environment
from .static import StaticFiles

PATH = '/<database_name>/bhmis/website/dashboard'
ROLES = ('group_provincial_manager', 'group_dho', 'group_admin')
_templates = []


class Action(metaclass=PoolMeta):
    __name__ = 'ir.action'

    @classmethod
    def get_action_values(cls, type_, action_ids, columns=None):
        values = super().get_action_values(type_, action_ids, columns)
        if type_ == 'ir.action.url':
            database = Transaction().database.name
            for value in values:
                if value.get('url'):
                    value['url'] = value['url'].replace(
                        '{database}', database)
        return values


def templates():
    if not _templates:
        _templates.append((environment(), StaticFiles()))
    return _templates[0]


def answer(text, status, content_type='text/html'):
    response = Response(text, status=status,
        content_type=content_type + '; charset=utf-8')
    for name, value in security.HEADERS.items():
        response.headers[name] = value
    response.headers['Cache-Control'] = 'private, no-store'
    return response


def refusal(status, language):
    _ = i18n.translator(language)
    texts = {401: _('Log in to the back office first.'),
        403: _('The dashboard for managers is for provincial managers and '
            'district health officers.'),
        400: _('Go back and try again.')}
    return answer(texts[status], status, 'text/plain')


@app.route(PATH, methods=['GET'])
@app.route(PATH + '.csv', methods=['GET'])
def twin(request, database_name):
    # Checking a session opens its own transaction: before ours
    user_id = request.user_id if request.cookies or request.headers.get(
        'Authorization') else None
    language = languages.choose(request.headers.get('Accept-Language'))
    if not user_id:
        return refusal(401, language)
    return _twin(request, database_name, user_id)


@with_pool
@with_transaction(readonly=True)
def _twin(request, pool, user_id):
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    transaction = Transaction()
    user = User(user_id)
    language = user.language.code if user.language else 'en'
    language = language if language in languages.LANGUAGES else 'en'
    roles = {ModelData.get_id('bhmis_base', r) for r in ROLES}
    if not roles & {g.id for g in user.groups}:
        return refusal(403, language)
    with transaction.set_user(user_id), \
            transaction.set_context(language=language), check_access():
        unrestricted, districts, _ = User.get_bhmis_scope()
        try:
            district = parse_district(request.args.get('district'),
                None if unrestricted else set(districts))
        except BadRequest:
            return refusal(400, language)
        except PermissionError:
            return refusal(403, language)
        month_list = dashboard.months(live_sections.today())
        by = 'facility' if district else 'district'
        pairs = dashboard_data.read(month_list, by=by, district=district)
        names = dashboard_data.names(by, district)
        if not unrestricted and not district:
            names = {k: v for k, v in names.items() if k in districts}
        data = {'months': month_list, 'names': names, 'pairs': pairs}
        month, rank, errors = dashboard_view.parse(request.args, month_list)
        if errors:
            return refusal(400, language)
        _ = i18n.translator(language)
        values = dashboard_view.build(data, month, rank, 0, _)
        district_name = names_of(pool, district)
    if request.path.endswith('.csv'):
        return csv(request, values, _, district)
    return page(request, values, language, district, district_name)


def parse_district(value, allowed):
    "The district id asked for, checked against the user's (None: all)"
    if not value:
        return None
    if not value.isdigit() or len(value) > 12:
        raise BadRequest()
    district = int(value)
    if allowed is not None and district not in allowed:
        raise PermissionError(district)
    return district


def names_of(pool, district):
    if not district:
        return None
    District = pool.get('bhmis.district')
    found = District.search([('id', '=', district)])
    return found[0].rec_name if found else None


def csv(request, values, _, district):
    group = _('Facility') if district else _('District')
    if request.args.get('table') == 'months':
        headers, rows = dashboard_view.trend_csv(values, _)
        name = 'dashboard-months.csv'
    else:
        headers, rows = dashboard_view.table_csv(values, _, group)
        name = 'dashboard-%s.csv' % values['month_label']
    response = answer(dashboard_csv.write(headers, rows), 200, 'text/csv')
    response.headers['Content-Disposition'] = (
        'attachment; filename="%s"' % name)
    return response


def page(request, values, language, district, district_name):
    environment_, static = templates()
    _ = i18n.translator(language)
    base = request.script_root + request.path
    query = request.query_string.decode('ascii', 'replace')
    if not district:
        for item in values['rows']:
            item['link'] = '%s?district=%s' % (base, item['key'])
    other = 'en' if language == 'ur' else 'ur'
    html = environment_.get_template('dashboard.html').render(
        _=_, lang=language, dir=languages.direction(language),
        static=static.url, url=lambda path='/': '/%s%s' % (language, path),
        other_language=other, language_names=languages.NAMES,
        switch_url='/%s/dashboard' % other, menu=[],
        now=dt.datetime.utcnow(), base_url=request.host_url.rstrip('/'),
        path=request.path, page=None, title=_('Dashboard for managers'),
        group_title=_('Facility') if district else _('District'),
        twin=True, district=district, district_name=district_name,
        csv_districts='%s.csv?%s' % (base, query),
        csv_months='%s.csv?%s' % (base, '&'.join(
                filter(None, [query, 'table=months']))),
        **values)
    return answer(html, 200)
