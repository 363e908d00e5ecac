# SPDX-License-Identifier: GPL-3.0-or-later
"""The facility finder's reads, as the website: the choices of its form,
a page of results, the nearest facilities and the map's points.  Only
the registry's public fields leave this module, as plain data."""
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import finder

# The map shows at most this many points (the province has about 2,000)
MAX_POINTS = 3000


def _type_labels():
    Facility = Pool().get('bhmis.facility')
    return dict(Facility.fields_get(['type'])['type']['selection'])


def choices(search):
    """(districts [(code, name)], tehsils of the chosen district, types
    [(type, label)]) of the search form"""
    pool = Pool()
    District = pool.get('bhmis.district')
    Tehsil = pool.get('bhmis.tehsil')
    districts = [(d.code, d.rec_name) for d in District.search([],
            order=[('name', 'ASC')])]
    tehsils = []
    if search.district:
        tehsils = [(t.code, t.rec_name) for t in Tehsil.search([
                    ('district.code', '=', search.district)],
                order=[('name', 'ASC')])]
    labels = _type_labels()
    types = [(t, labels[t]) for t in finder.PUBLIC_TYPES]
    return districts, tehsils, types


def public_name(facility):
    "The facility's name in the reader's language, without its code"
    if Transaction().language == 'ur' and facility.name_ur:
        return facility.name_ur
    return facility.name


def summary(facility, labels, km=None):
    "What a result shows of a facility"
    return {
        'code': facility.code,
        'name': public_name(facility),
        'type': labels.get(facility.type, facility.type),
        'district': facility.district.rec_name,
        'tehsil': facility.tehsil.rec_name if facility.tehsil else None,
        'open_24_7': bool(facility.open_24_7),
        'km': km,
        }


def results(search):
    """(results, more) of a page of the search: the nearest facilities
    when it has a location, else by name"""
    Facility = Pool().get('bhmis.facility')
    labels = _type_labels()
    domain = finder.domain(search)
    if search.nearest:
        points = [(f.id, f.latitude, f.longitude) for f in Facility.search(
                domain + [('latitude', '!=', None)], order=[])]
        nearest = finder.nearest(points, search.latitude, search.longitude)
        records = {f.id: f for f in Facility.browse([i for i, _ in nearest])}
        return [summary(records[i], labels, km) for i, km in nearest], False
    size = finder.PAGE_SIZE
    records = Facility.search(domain, offset=(search.page - 1) * size,
        limit=size + 1, order=[('name', 'ASC'), ('id', 'ASC')])
    return [summary(f, labels) for f in records[:size]], len(records) > size


def points(search):
    """The map's data: facility points [[code, name, lat, lon]] of the
    search and district labels [[name, lat, lon]] at the mean of their
    facilities"""
    Facility = Pool().get('bhmis.facility')
    records = Facility.search(finder.domain(search)
        + [('latitude', '!=', None), ('longitude', '!=', None)],
        order=[('code', 'ASC')], limit=MAX_POINTS)
    result, districts = [], {}
    for facility in records:
        result.append([facility.code, public_name(facility),
                round(facility.latitude, 5), round(facility.longitude, 5)])
        sums = districts.setdefault(facility.district.rec_name, [0, 0, 0])
        sums[0] += facility.latitude
        sums[1] += facility.longitude
        sums[2] += 1
    labels = [[name, round(lat / n, 4), round(lon / n, 4)]
        for name, (lat, lon, n) in sorted(districts.items())]
    return {'points': result, 'districts': labels,
        'language': Transaction().language}
