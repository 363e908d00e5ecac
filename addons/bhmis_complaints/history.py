# SPDX-License-Identifier: GPL-3.0-or-later
"""The history of a complaint: every transition with who, when, from, to,
the reason and the reply the citizen reads; written by the workflow only."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.transaction import Transaction

from bhmis_base.guard import external_call

from .complaint import ESCALATION_LEVELS, STATES
from .exceptions import ComplaintError
from .scope import ComplaintLineMixin


class WorkflowWritten:
    "Records written by the complaint's workflow only, never by a user"
    __slots__ = ()

    @classmethod
    def check_modification(cls, mode, records, values=None,
            external=False):
        super().check_modification(mode, records, values=values,
            external=external)
        if external_call() and Transaction().user:
            raise ComplaintError(gettext(
                    'bhmis_complaints.msg_history_readonly'))


class Transition(WorkflowWritten, ComplaintLineMixin, ModelSQL, ModelView):
    "A step of a complaint"
    __name__ = 'bhmis.complaint.transition'
    __string__ = "Complaint History"

    complaint = fields.Many2One('bhmis.complaint', "Complaint",
        required=True, readonly=True, ondelete='CASCADE')
    at = fields.DateTime("At", required=True, readonly=True)
    user = fields.Many2One('res.user', "By", readonly=True,
        ondelete='RESTRICT', help="Empty for the citizen or the system.")
    from_state = fields.Selection(STATES, "From", readonly=True)
    to_state = fields.Selection(STATES, "To", required=True, readonly=True)
    reason = fields.Text("Reason", readonly=True)
    public_reply = fields.Text("Reply to the Citizen", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.complaint, Index.Range()), (t.at, Index.Range())))
        cls._order = [('at', 'ASC'), ('id', 'ASC')]


class Escalation(WorkflowWritten, ComplaintLineMixin, ModelSQL,
        ModelView):
    "A complaint escalated to the district or the province, once each"
    __name__ = 'bhmis.complaint.escalation'
    __string__ = "Complaint Escalation"

    complaint = fields.Many2One('bhmis.complaint', "Complaint",
        required=True, readonly=True, ondelete='CASCADE')
    level = fields.Selection(ESCALATION_LEVELS[1:], "Escalated To",
        required=True, readonly=True, sort=False)
    at = fields.DateTime("At", required=True, readonly=True)
    days_open = fields.Float("Days Open", digits=(16, 1), readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('complaint_level_unique', Unique(t, t.complaint, t.level),
                'bhmis_complaints.msg_escalation_unique'),
            ]
        cls._order = [('at', 'ASC'), ('id', 'ASC')]
