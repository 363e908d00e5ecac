# SPDX-License-Identifier: GPL-3.0-or-later
"""Headers of every public page and the honeypot field of its forms."""

# Nothing inline, nothing from elsewhere: scripts, styles, fonts and
# images come from this site's /static/ only (OpenStreetMap-style tiles,
# when configured, are added by the pages that show a map)
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(self)',
    'Cross-Origin-Opener-Policy': 'same-origin',
    }
# A field hidden from people (by CSS, and from screen readers) that robots
# filling every field fill: a form with it filled is dropped
HONEYPOT = 'website'


def csp(img_sources=()):
    "The policy, with more image sources (a map's tile server)"
    if not img_sources:
        return CSP
    return CSP.replace("img-src 'self' data:",
        "img-src 'self' data: " + ' '.join(img_sources))


def is_robot(form):
    "Tell whether the honeypot field of a posted form was filled"
    return bool((form.get(HONEYPOT) or '').strip())
