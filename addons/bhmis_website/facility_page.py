# SPDX-License-Identifier: GPL-3.0-or-later
"""What a facility's public page shows beyond the registry (hours,
services, the in-charge's office phone) and which of its live sections
it shows; the province-wide switches of the live sections."""
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import PoolMeta

from bhmis_base.guard import GuardedMixin

from .live import SECTIONS


def shown(value):
    "A switch's value: on unless set off (SQLite reads booleans as 0/1)"
    return value is None or bool(value)


class Facility(metaclass=PoolMeta):
    __name__ = 'bhmis.facility'
    opening_hours = fields.Char("Opening Hours", translate=True,
        strip=True, help="As the public page shows them, e.g. "
        "\"Monday to Saturday, 8:00 to 14:00\".")
    services = fields.Text("Services", translate=True,
        help="The services offered, one a line, for the public page.")
    incharge_phone = fields.Char("In-charge's Office Phone", strip=True,
        help="The office number of the facility in-charge, shown on the "
        "public page (never a personal number).")
    website_staff = fields.Boolean("Show Staff on Duty",
        help="Today's doctors and nurses present and rostered, on the "
        "public page.")
    website_medicines = fields.Boolean("Show Tracer Medicines",
        help="Tracer medicines available or out of stock today, on the "
        "public page.")
    website_equipment = fields.Boolean("Show Equipment",
        help="Key equipment working, on the public page.")
    website_complaints = fields.Boolean("Show Complaints",
        help="Complaints resolved within the SLA this year, on the public "
        "page.")

    @classmethod
    def default_website_staff(cls):
        return True

    @classmethod
    def default_website_medicines(cls):
        return True

    @classmethod
    def default_website_equipment(cls):
        return True

    @classmethod
    def default_website_complaints(cls):
        return True

    def website_sections(self):
        "{section: shown} of the facility's own switches"
        return {s: shown(getattr(self, 'website_' + s)) for s in SECTIONS}


class LiveConfiguration(GuardedMixin, ModelSingleton, ModelSQL, ModelView):
    __name__ = 'bhmis.website.live_configuration'
    __string__ = "Website Live Sections"
    staff = fields.Boolean("Staff on Duty",
        help="Show today's doctors and nurses on every facility page.")
    medicines = fields.Boolean("Tracer Medicines",
        help="Show tracer medicines in stock on every facility page.")
    equipment = fields.Boolean("Equipment",
        help="Show key equipment working on every facility page.")
    complaints = fields.Boolean("Complaints",
        help="Show complaints resolved within the SLA on every facility "
        "page.")

    @classmethod
    def default_staff(cls):
        return True

    @classmethod
    def default_medicines(cls):
        return True

    @classmethod
    def default_equipment(cls):
        return True

    @classmethod
    def default_complaints(cls):
        return True

    @classmethod
    def sections(cls):
        "{section: shown} province-wide"
        configuration = cls(1)
        return {s: shown(getattr(configuration, s)) for s in SECTIONS}
