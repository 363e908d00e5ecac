# SPDX-License-Identifier: GPL-3.0-or-later
"""Likely duplicates of a complaint (same facility and category, filed
within 7 days, a similar description) and their merge: the duplicate is
rejected as a duplicate of the original through the workflow, its history
kept, and its tracking number shows the original's status."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import similarity
from .complaint import OPEN_STATES
from .exceptions import ComplaintError

WINDOW = dt.timedelta(days=7)


class Complaint(metaclass=PoolMeta):
    __name__ = 'bhmis.complaint'

    likely_duplicates = fields.Function(fields.Many2Many(
            'bhmis.complaint', None, None, "Likely Duplicates",
            help="Complaints of the same facility and category filed "
            "within 7 days with a similar description."),
        'get_likely_duplicates')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.duplicate_of.states['invisible'] = (
            (Eval('state') == 'rejected')
            & (Eval('reject_reason') != 'duplicate'))
        cls._buttons.update({
                'merge': {
                    'invisible': (~Eval('state').in_(OPEN_STATES)
                        | ~Eval('duplicate_of')),
                    'depends': ['state', 'duplicate_of'],
                    },
                })

    @classmethod
    def get_likely_duplicates(cls, complaints, name):
        "The complaints the user sees that look like each, most alike first"
        result = {}
        for complaint in complaints:
            result[complaint.id] = []
            if not (complaint.facility and complaint.filed_at):
                continue
            others = cls.search([
                    ('id', '!=', complaint.id),
                    ('facility', '=', complaint.facility.id),
                    ('category', '=', complaint.category.id),
                    ('filed_at', '>=', complaint.filed_at - WINDOW),
                    ('filed_at', '<=', complaint.filed_at + WINDOW),
                    ('state', '!=', 'rejected'),
                    ], order=[('filed_at', 'ASC'), ('id', 'ASC')])
            scored = [(similarity.similarity(complaint.description,
                        other.description), other) for other in others]
            result[complaint.id] = [other.id
                for score, other in sorted(scored, key=lambda s: -s[0])
                if score >= similarity.THRESHOLD]
        return result

    @classmethod
    @ModelView.button
    def merge(cls, complaints):
        """Reject each complaint as a duplicate of its original, with a
        reply in the citizen's language naming the original's number"""
        to_write = []
        for complaint in complaints:
            original = complaint.duplicate_of
            if not original:
                raise ComplaintError(gettext(
                        'bhmis_complaints.msg_reject_duplicate_required',
                        complaint=complaint.rec_name))
            if original.state == 'rejected':
                raise ComplaintError(gettext(
                        'bhmis_complaints.msg_merge_original_rejected',
                        complaint=complaint.rec_name,
                        original=original.rec_name))
            values = {'reject_reason': 'duplicate'}
            if not complaint.public_reply:
                with Transaction().set_context(language=complaint.language):
                    values['public_reply'] = gettext(
                        'bhmis_complaints.msg_merged_reply',
                        original=original.tracking_number)
            to_write.extend(([complaint], values))
        if to_write:
            cls.write(*to_write)
        cls.reject(cls.browse([c.id for c in complaints]))

