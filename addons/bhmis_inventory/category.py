# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields

from bhmis_base.model import CodeNameMixin


class TherapeuticCategory(
        CodeNameMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.inventory.category'
    __string__ = "Therapeutic Category"
    medicines = fields.One2Many(
        'product.template', 'therapeutic_category', "Medicines",
        readonly=True)
