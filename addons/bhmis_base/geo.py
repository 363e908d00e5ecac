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
