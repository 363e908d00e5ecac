# SPDX-License-Identifier: GPL-3.0-or-later
"""A facility page's reads, as the website: the registry's public fields
and the live sections switched on, as plain data."""
from trytond.pool import Pool

from . import finder, live, live_sections
from .finder_query import public_name


def read(code, suppress=True):
    """The page of the facility code, or None when there is no such
    public facility"""
    pool = Pool()
    Facility = pool.get('bhmis.facility')
    Configuration = pool.get('bhmis.website.live_configuration')
    facilities = Facility.search([('code', '=', code),
            ('type', 'in', list(finder.PUBLIC_TYPES)),
            ('status', '!=', 'closed')], limit=1)
    if not facilities:
        return None
    facility, = facilities
    Cadre = pool.get('bhmis.cadre')
    cadres = {c.code: c.rec_name for c in Cadre.search([
                ('code', 'in', list(live.ON_DUTY_CADRES))])}
    labels = dict(Facility.fields_get(['type', 'level']).items())
    types = dict(labels['type']['selection'])
    levels = dict(labels['level']['selection'])
    today = live_sections.today()
    enabled = live.enabled_sections(Configuration.sections(),
        facility.website_sections())
    services = [s.strip() for s in (facility.services or '').splitlines()
        if s.strip()]
    return {
        'code': facility.code,
        'name': public_name(facility),
        'type': types.get(facility.type),
        'level': levels.get(facility.level),
        'district': facility.district.rec_name,
        'district_code': facility.district.code,
        'tehsil': facility.tehsil.rec_name if facility.tehsil else None,
        'address': facility.address,
        'latitude': facility.latitude,
        'longitude': facility.longitude,
        'opening_hours': facility.opening_hours,
        'open_24_7': bool(facility.open_24_7),
        'services': services,
        'beds': facility.beds,
        'phone': facility.incharge_phone,
        'functional': facility.status == 'functional',
        'today': today,
        'cadres': cadres,
        'enabled': enabled,
        'sections': live_sections.sections(facility, today, enabled,
            suppress=suppress),
        }


def codes():
    "The codes of the public facilities, for the sitemap"
    Facility = Pool().get('bhmis.facility')
    return [f.code for f in Facility.search([
                ('type', 'in', list(finder.PUBLIC_TYPES)),
                ('status', '!=', 'closed')], order=[('code', 'ASC')])]
