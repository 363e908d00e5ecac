# SPDX-License-Identifier: GPL-3.0-or-later
"""Attendance settings: the face thresholds, the lateness grace, the
geofence, the evidence retention and the API's limits."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool

from bhmis_base.guard import GuardedMixin

from .daily import Rules
from .exceptions import ConfigurationError
from .matching import Thresholds


class Configuration(GuardedMixin, ModelSingleton, ModelSQL, ModelView):
    __name__ = 'bhmis.attendance.configuration'
    __string__ = "Attendance Configuration"

    accept_distance = fields.Float("Accept Distance", required=True,
        digits=(3, 2), help="A face this close (dlib distance) to an "
        "enrolled face is accepted without review.")
    review_distance = fields.Float("Review Distance", required=True,
        digits=(3, 2), help="A face farther than the accept distance but "
        "this close goes to the in-charge's review queue; farther is "
        "rejected as unknown.")
    duplicate_distance = fields.Float("Duplicate Distance", required=True,
        digits=(3, 2), help="At enrolment, a face this close to another "
        "employee's is refused and flagged to HR as a possible duplicate "
        "or ghost employee.")
    grace_minutes = fields.Integer("Grace (minutes)", required=True,
        help="A check-in this long after the shift start is still on time.")
    early_minutes = fields.Integer("Early Leaving Grace (minutes)",
        required=True,
        help="A check-out this long before the shift end is not early.")
    geofence_radius = fields.Integer("Geofence Radius (m)", required=True,
        help="Phones must check in this close to the facility's "
        "coordinates.")
    evidence_retention_days = fields.Integer("Evidence Retention (days)",
        required=True, help="Evidence photos of reviewed check-ins are "
        "deleted after this many days.")
    checkins_per_minute = fields.Integer("Check-ins per Minute",
        required=True, help="Requests a device may send per minute before "
        "it is told to slow down.")
    repeat_seconds = fields.Integer("Repeat Window (seconds)", required=True,
        help="A second accepted check-in of the same person within this "
        "window is the same punch (people press twice).")

    @classmethod
    def default_accept_distance(cls):
        return Thresholds().accept

    @classmethod
    def default_review_distance(cls):
        return Thresholds().review

    @classmethod
    def default_duplicate_distance(cls):
        return Thresholds().accept

    @classmethod
    def default_grace_minutes(cls):
        return int(Rules().grace.total_seconds() // 60)

    @classmethod
    def default_early_minutes(cls):
        return int(Rules().early_grace.total_seconds() // 60)

    @classmethod
    def default_geofence_radius(cls):
        return 300

    @classmethod
    def default_evidence_retention_days(cls):
        return 90

    @classmethod
    def default_checkins_per_minute(cls):
        return 60

    @classmethod
    def default_repeat_seconds(cls):
        return 120

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for record in records:
            if not (0 < record.accept_distance <= record.review_distance
                    < 2) or not 0 < record.duplicate_distance < 2:
                raise ConfigurationError(gettext(
                        'bhmis_attendance.msg_configuration_thresholds'))

    @property
    def thresholds(self):
        return Thresholds(accept=self.accept_distance,
            review=self.review_distance)

    @property
    def rules(self):
        return Rules(grace=dt.timedelta(minutes=self.grace_minutes),
            early_grace=dt.timedelta(minutes=self.early_minutes))

    @classmethod
    def current(cls):
        return Pool().get(cls.__name__)(1)
