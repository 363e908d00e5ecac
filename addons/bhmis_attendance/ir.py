# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('bhmis.attendance.day|compute_yesterday',
                    "Compute Yesterday's Attendance"),
                ('bhmis.attendance.event|purge_evidence',
                    "Delete Expired Evidence Photos"),
                ])
