# SPDX-License-Identifier: GPL-3.0-or-later
"""The escalation job: an unresolved complaint goes to the district (DHO)
from day 21 and to the province (DG Health) from day 41, each once."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from .complaint import LEVELS, OPEN_STATES


class Complaint(metaclass=PoolMeta):
    __name__ = 'bhmis.complaint'

    @classmethod
    def escalate(cls, complaints=None):
        """Record the escalations the clocks call for, once each; return
        the escalations made"""
        pool = Pool()
        Escalation = pool.get('bhmis.complaint.escalation')
        now = cls.now()
        with without_check_access():
            if complaints is None:
                complaints = cls.search([('state', 'in', OPEN_STATES)],
                    order=[('id', 'ASC')])
            vlist, to_write = [], []
            for complaint in complaints:
                if complaint.state not in OPEN_STATES:
                    continue
                c = complaint.compute_clock(now)
                done = {e.level for e in complaint.escalations}
                for level in range(1, c.escalation_level + 1):
                    if LEVELS[level] not in done:
                        vlist.append({
                                'complaint': complaint.id,
                                'level': LEVELS[level],
                                'at': now,
                                'days_open': round(c.days_open, 1),
                                })
                level = LEVELS.get(c.escalation_level)
                if level and complaint.escalation_level != level and (
                        complaint.escalation_level != 'province'):
                    to_write.extend(([complaint],
                            {'escalation_level': level}))
            escalations = Escalation.create(vlist) if vlist else []
            if to_write:
                super().write(*to_write)
            cls.refresh_clocks(complaints)
        return escalations
