# SPDX-License-Identifier: GPL-3.0-or-later
"""GPS checks for facilities, without the ORM."""

# Balochistan's bounding box with a small margin (degrees, WGS 84)
PROVINCE_BOUNDS = {
    'latitude': (24.5, 32.5),
    'longitude': (60.5, 70.5),
    }


def gps_problem(latitude, longitude):
    """Return a short reason why the coordinates are invalid, or None.

    Both coordinates or neither must be given.
    """
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        return "latitude and longitude go together"
    if not -90 <= latitude <= 90:
        return "latitude must be between -90 and 90"
    if not -180 <= longitude <= 180:
        return "longitude must be between -180 and 180"
    return None


def inside_province(latitude, longitude, bounds=PROVINCE_BOUNDS):
    "Tell whether valid coordinates fall inside the province's box"
    if latitude is None or longitude is None:
        return True
    (lat_min, lat_max), (lon_min, lon_max) = (
        bounds['latitude'], bounds['longitude'])
    return lat_min <= latitude <= lat_max and lon_min <= longitude <= lon_max
