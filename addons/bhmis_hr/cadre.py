# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields

from bhmis_base.model import CodeNameMixin
from bhmis_base.scope import ProvinceCatalogueMixin

from .exceptions import BPSError

BPS_RANGE = range(1, 23)


def check_bps(value, record_name):
    if value is not None and value not in BPS_RANGE:
        raise BPSError(gettext('bhmis_hr.msg_bps_range',
                record=record_name, bps=value))


class Cadre(ProvinceCatalogueMixin, CodeNameMixin, DeactivableMixin,
        ModelSQL, ModelView):
    __name__ = 'bhmis.cadre'
    __string__ = "Cadre"
    designations = fields.One2Many('bhmis.designation', 'cadre',
        "Designations")


class Designation(ProvinceCatalogueMixin, CodeNameMixin, DeactivableMixin,
        ModelSQL, ModelView):
    __name__ = 'bhmis.designation'
    __string__ = "Designation"
    cadre = fields.Many2One('bhmis.cadre', "Cadre", required=True,
        ondelete='RESTRICT')
    bps_min = fields.Integer("Lowest BPS",
        help="The lowest Basic Pay Scale grade of the post (1 to 22).")
    bps_max = fields.Integer("Highest BPS",
        help="The highest Basic Pay Scale grade of the post (1 to 22).")

    @classmethod
    def validate_fields(cls, designations, field_names):
        super().validate_fields(designations, field_names)
        if field_names and not (field_names & {'bps_min', 'bps_max'}):
            return
        for designation in designations:
            check_bps(designation.bps_min, designation.rec_name)
            check_bps(designation.bps_max, designation.rec_name)
