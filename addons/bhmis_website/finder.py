# SPDX-License-Identifier: GPL-3.0-or-later
"""The facility finder's rules, without the ORM: what a search may ask
(checked and bounded), the domain it searches, and the nearest facilities
to a point.

A search reads the query string of /<lang>/facilities: `q` (a name in
Urdu or English, or a code), `district` and `tehsil` (codes), `type`
(a facility type) and, for "nearest facilities", `lat` and `lon` (the
browser's location).  Bad values are reported by name, never guessed.
"""
import math
from dataclasses import dataclass, field

from bhmis_base.facility import FACILITY_TYPES

MAX_TEXT = 100
MAX_CODE = 40
PAGE_SIZE = 50
NEAREST = 10
EARTH_RADIUS_KM = 6371.0
# The public finder lists the facilities people are served at
PUBLIC_TYPES = tuple(t for t, _ in FACILITY_TYPES
    if t not in {'msd', 'district_store'})


@dataclass
class Search:
    text: str = ''
    district: str = ''
    tehsil: str = ''
    type: str = ''
    latitude: float | None = None
    longitude: float | None = None
    page: int = 1
    errors: dict = field(default_factory=dict)

    @property
    def nearest(self):
        return self.latitude is not None and self.longitude is not None

    @property
    def empty(self):
        return not (self.text or self.district or self.tehsil or self.type
            or self.nearest)


def _float(value, low, high):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or not low <= number <= high:
        return None
    return number


def parse(args):
    """A Search of the query string args (a mapping of str): each bad
    value is left empty and named in errors"""
    search = Search()
    text = (args.get('q') or '').strip()
    if len(text) > MAX_TEXT:
        search.errors['q'] = 'too_long'
    else:
        search.text = ' '.join(text.split())
    for name in ('district', 'tehsil'):
        value = (args.get(name) or '').strip()
        if len(value) > MAX_CODE or any(c in value for c in '%_\\'):
            search.errors[name] = 'invalid'
        else:
            setattr(search, name, value)
    type_ = (args.get('type') or '').strip()
    if type_ and type_ not in PUBLIC_TYPES:
        search.errors['type'] = 'invalid'
    else:
        search.type = type_
    lat, lon = args.get('lat'), args.get('lon')
    if lat or lon:
        search.latitude = _float(lat, -90, 90)
        search.longitude = _float(lon, -180, 180)
        if search.latitude is None or search.longitude is None:
            search.latitude = search.longitude = None
            search.errors['location'] = 'invalid'
    page = args.get('page') or '1'
    if not page.isdigit() or not 1 <= int(page) <= 1000:
        search.errors['page'] = 'invalid'
    else:
        search.page = int(page)
    return search


def domain(search):
    "The bhmis.facility domain of search (without its location)"
    clauses = [('status', '!=', 'closed'),
        ('type', 'in', list(PUBLIC_TYPES))]
    if search.text:
        pattern = '%' + escape_like(search.text) + '%'
        clauses.append(['OR',
                ('name', 'ilike', pattern),
                ('name_ur', 'ilike', pattern),
                ('code', 'ilike', pattern),
                ])
    if search.district:
        clauses.append(('district.code', '=', search.district))
    if search.tehsil:
        clauses.append(('tehsil.code', '=', search.tehsil))
    if search.type:
        clauses.append(('type', '=', search.type))
    return clauses


def escape_like(text):
    "text matched literally inside a LIKE pattern"
    return (text.replace('\\', '\\\\').replace('%', '\\%')
        .replace('_', '\\_'))


def distance_km(lat1, lon1, lat2, lon2):
    "The great-circle distance in km (haversine)"
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = (math.sin(d_phi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def nearest(points, latitude, longitude, count=NEAREST):
    """The count points [(key, lat, lon)] nearest to (latitude,
    longitude), as [(key, km)] nearest first; points without GPS are
    left out"""
    distances = [(distance_km(latitude, longitude, lat, lon), key)
        for key, lat, lon in points if lat is not None and lon is not None]
    distances.sort(key=lambda d: (d[0], str(d[1])))
    return [(key, round(km, 1)) for km, key in distances[:count]]

