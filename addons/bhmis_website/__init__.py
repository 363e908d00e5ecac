# SPDX-License-Identifier: GPL-3.0-or-later
"""BHMIS website: the public site in Urdu and English at `/` of the served
address (site.py, a WSGI application bhmis/web.py dispatches to), with its
content edited in the back office.

Importing a page module registers its pages (routing.route); each area
adds its own import line here."""
from . import (  # noqa: F401
    complaint_pages,
    content_routes,
    dashboard_routes,  # noqa: F401
    dashboard_twin,
    facility_page_routes,
    finder_routes,
    home,  # noqa: F401
)
