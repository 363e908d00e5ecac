# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.pyson import Eval

from bhmis_base.model import CodeNameMixin

SUBJECTS = [
    (None, ""),
    ('employee', "Employee"),
    ('medicine', "Medicine"),
    ('equipment', "Equipment"),
    ]


class Category(CodeNameMixin, DeactivableMixin, ModelSQL, ModelView):
    "What a complaint is about, with its service levels and first office"
    __name__ = 'bhmis.complaint.category'
    __string__ = "Complaint Category"
    acknowledge_hours = fields.Integer("Acknowledge Within (Hours)",
        required=True, domain=[('acknowledge_hours', '>', 0)])
    target_days = fields.Integer("Resolve Within (Days)", required=True,
        domain=[('target_days', '>', 0)])
    max_days = fields.Integer("Resolve At Most In (Days)", required=True,
        domain=[('max_days', '>=', Eval('target_days', 0))])
    subject = fields.Selection(SUBJECTS, "Concerns",
        help="What the complaint names beside the facility.")
    route_to_focal_person = fields.Boolean("Route to Focal Person",
        help="Sent to the facility's focal person when a facility is "
        "given; to the 1129 cell otherwise.")

    @classmethod
    def default_acknowledge_hours(cls):
        return 24

    @classmethod
    def default_target_days(cls):
        return 20

    @classmethod
    def default_max_days(cls):
        return 40

    def get_sla(self):
        from . import clock
        return clock.Sla(acknowledge_hours=self.acknowledge_hours,
            target_days=self.target_days, max_days=self.max_days)
