# SPDX-License-Identifier: GPL-3.0-or-later
"""The cell's follow-up calls after a resolution: satisfied closes,
unsatisfied reopens, unreachable three times closes without an answer."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .exceptions import ComplaintError
from .scope import ComplaintLineMixin

OUTCOMES = [
    ('satisfied', "Satisfied"),
    ('unsatisfied', "Unsatisfied"),
    ('unreachable', "Unreachable"),
    ]


class Call(ComplaintLineMixin, ModelSQL, ModelView):
    "A follow-up call to the citizen"
    __name__ = 'bhmis.complaint.call'
    __string__ = "Follow-up Call"

    complaint = fields.Many2One('bhmis.complaint', "Complaint",
        required=True, ondelete='CASCADE',
        domain=[('state', '=', 'resolved')])
    at = fields.DateTime("At", readonly=True)
    user = fields.Many2One('res.user', "By", readonly=True,
        ondelete='RESTRICT')
    outcome = fields.Selection(OUTCOMES, "Outcome", required=True)
    rating = fields.Integer("Rating",
        domain=['OR', ('rating', '=', None),
            [('rating', '>=', 1), ('rating', '<=', 5)]])
    note = fields.Text("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('at', 'ASC'), ('id', 'ASC')]

    @classmethod
    def preprocess_values(cls, mode, values):
        Complaint = Pool().get('bhmis.complaint')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values['at'] = Complaint.now()
            values['user'] = Transaction().user or None
        return values

    @classmethod
    def check_modification(cls, mode, records, values=None,
            external=False):
        super().check_modification(mode, records, values=values,
            external=external)
        if mode in {'write', 'delete'} and Transaction().user:
            raise ComplaintError(gettext(
                    'bhmis_complaints.msg_call_readonly'))

    @classmethod
    def create(cls, vlist):
        calls = super().create(vlist)
        cls.apply(calls)
        return calls

    @classmethod
    def apply(cls, calls):
        "What the citizen said moves the complaint"
        Complaint = Pool().get('bhmis.complaint')
        for call in calls:
            complaint = call.complaint
            if complaint.state != 'resolved':
                raise ComplaintError(gettext(
                        'bhmis_complaints.msg_call_not_resolved',
                        complaint=complaint.rec_name))
            with without_check_access():
                if call.outcome == 'satisfied':
                    Complaint.record_feedback(complaint, True, call.rating,
                        call.note, by_call=True)
                elif call.outcome == 'unsatisfied':
                    Complaint.record_feedback(complaint, False, call.rating,
                        call.note, by_call=True)
                else:
                    attempts = cls.search_count([
                            ('complaint', '=', complaint.id),
                            ('outcome', '=', 'unreachable'),
                            ])
                    if attempts >= 3:
                        Complaint.close_unanswered([complaint])
