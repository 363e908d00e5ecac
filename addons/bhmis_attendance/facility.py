# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.model import fields
from trytond.pool import PoolMeta

# Hospitals and rural health centres keep emergency and labour rooms open
# day and night
ROUND_THE_CLOCK_TYPES = {'teaching', 'dhq', 'thq', 'civil', 'rhc'}


class Facility(metaclass=PoolMeta):
    __name__ = 'bhmis.facility'
    round_the_clock = fields.Boolean("Open 24/7",
        help="Its rosters must cover the morning, evening and night shifts "
        "every day.")

    @classmethod
    def default_round_the_clock(cls):
        return False

    @fields.depends('type', 'round_the_clock')
    def on_change_type(self):
        try:
            super().on_change_type()
        except AttributeError:
            pass
        self.round_the_clock = self.type in ROUND_THE_CLOCK_TYPES

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if 'round_the_clock' not in values:
                values['round_the_clock'] = (
                    values.get('type') in ROUND_THE_CLOCK_TYPES)
        return super().create(vlist)
