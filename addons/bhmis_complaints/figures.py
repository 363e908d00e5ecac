# SPDX-License-Identifier: GPL-3.0-or-later
"""What the complaints' graph views count: each complaint once, by
district, category or month of filing (views complaint_graph*)."""
from trytond.model import fields
from trytond.pool import PoolMeta


class Complaint(metaclass=PoolMeta):
    __name__ = 'bhmis.complaint'

    complaint_count = fields.Function(fields.Integer("Complaints"),
        'get_complaint_count')
    filed_month = fields.Function(fields.Char("Month Filed"),
        'get_filed_month')

    @classmethod
    def get_complaint_count(cls, complaints, name):
        return {c.id: 1 for c in complaints}

    def get_filed_month(self, name):
        return self.filed_at.strftime('%Y-%m') if self.filed_at else None
