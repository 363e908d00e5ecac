# SPDX-License-Identifier: GPL-3.0-or-later
"""GPS checks for facilities, without the ORM."""

# Balochistan's bounding box with a small margin (degrees, WGS 84)
PROVINCE_BOUNDS = {
    'latitude': (24.5, 32.5),
    'longitude': (60.5, 70.5),
    }


def gps_problem(latitude, longitude):
    """Return the code of the reason the coordinates are invalid, or None.

    Both coordinates or neither must be given.
    """
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        return 'gps_pair'
    if not -90 <= latitude <= 90:
        return 'latitude_range'
    if not -180 <= longitude <= 180:
        return 'longitude_range'
    return None


def inside_province(latitude, longitude, bounds=PROVINCE_BOUNDS):
    "Tell whether valid coordinates fall inside the province's box"
    if latitude is None or longitude is None:
        return True
    (lat_min, lat_max), (lon_min, lon_max) = (
        bounds['latitude'], bounds['longitude'])
    return lat_min <= latitude <= lat_max and lon_min <= longitude <= lon_max


EARTH_RADIUS_M = 6_371_000


def distance_m(latitude1, longitude1, latitude2, longitude2):
    "Return the great-circle distance in metres (haversine)"
    from math import asin, cos, radians, sin, sqrt
    phi1, phi2 = radians(latitude1), radians(latitude2)
    d_phi = phi2 - phi1
    d_lambda = radians(longitude2 - longitude1)
    a = (sin(d_phi / 2) ** 2
        + cos(phi1) * cos(phi2) * sin(d_lambda / 2) ** 2)
    return 2 * EARTH_RADIUS_M * asin(min(1.0, sqrt(a)))
