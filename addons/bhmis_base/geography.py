# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields

from .model import CodeNameMixin


class Division(CodeNameMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.division'
    __string__ = "Division"
    districts = fields.One2Many('bhmis.district', 'division', "Districts")


class District(CodeNameMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.district'
    __string__ = "District"
    division = fields.Many2One(
        'bhmis.division', "Division", required=True, ondelete='RESTRICT')
    tehsils = fields.One2Many('bhmis.tehsil', 'district', "Tehsils")
    facilities = fields.One2Many('bhmis.facility', 'district', "Facilities")


class Tehsil(CodeNameMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.tehsil'
    __string__ = "Tehsil"
    district = fields.Many2One(
        'bhmis.district', "District", required=True, ondelete='RESTRICT')
