# SPDX-License-Identifier: GPL-3.0-or-later
"""Notifications to the citizen by SMS: the acknowledgement with the
tracking number, the status changes and the request for feedback, in the
citizen's language, through the configured gateway (gateway.py).

Each message is a record (pending, sent or failed, with its attempts),
written in the transaction of the step that calls for it and sent after
its commit by Tryton's queue (trytond-worker, or the request's process
without a worker).  A gateway that is down leaves the message pending:
the task queues itself again later, and the job *Send Pending Complaint
Messages* catches what a lost task left.  A message is sent once: its row
is locked and its state checked before the gateway is called, and its key
(the complaint and the step) is unique."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from . import gateway as gateways
from .history import WorkflowWritten
from .scope import ComplaintLineMixin

KINDS = [
    ('acknowledgement', "Acknowledgement"),
    ('status', "Status Change"),
    ('feedback_request', "Feedback Request"),
    ]
STATES = [
    ('pending', "Pending"),
    ('sent', "Sent"),
    ('failed', "Failed"),
    ]
# The steps the citizen is told of (filing has its acknowledgement)
NOTIFIED = {'in_progress', 'waiting', 'resolved', 'closed', 'reopened',
    'rejected'}
MAX_ATTEMPTS = 8
QUEUE = 'bhmis_complaints'
# The context key that writes no message (the demo's past complaints)
QUIET = 'bhmis_complaints_no_sms'
# The part of the reply an SMS carries
MAX_REPLY = 300


def retry_delay(attempts):
    "Wait before the next attempt: 1, 2, 4 ... minutes, at most 2 hours"
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def shorten(text, size=MAX_REPLY):
    text = ' '.join((text or '').split())
    return text if len(text) <= size else text[:size - 1] + '…'


class Message(WorkflowWritten, ComplaintLineMixin, ModelSQL, ModelView):
    "An SMS to the citizen of a complaint"
    __name__ = 'bhmis.complaint.message'
    __string__ = "Complaint Message"

    complaint = fields.Many2One('bhmis.complaint', "Complaint",
        required=True, readonly=True, ondelete='CASCADE')
    key = fields.Char("Key", required=True, readonly=True,
        help="The complaint and the step: a message is sent once.")
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    text = fields.Text("Text", required=True, readonly=True)
    state = fields.Selection(STATES, "State", required=True,
        readonly=True)
    attempts = fields.Integer("Attempts", readonly=True)
    last_error = fields.Char("Last Error", readonly=True)
    next_attempt_at = fields.DateTime("Next Attempt", readonly=True)
    sent_at = fields.DateTime("Sent", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('key_unique', Unique(t, t.key),
                'bhmis_complaints.msg_message_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.state, Index.Equality()),
                (t.next_attempt_at, Index.Range())))
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_state(cls):
        return 'pending'

    @classmethod
    def default_attempts(cls):
        return 0

    @classmethod
    def now(cls):
        return Pool().get('bhmis.complaint').now()

    @classmethod
    def enqueue(cls, vlist):
        """Create the messages of vlist (those whose key exists are not
        created again) and queue each for sending after the commit"""
        keys = [v['key'] for v in vlist]
        with without_check_access():
            existing = {m.key for m in cls.search([('key', 'in', keys)])}
            vlist = [v for v in vlist if v['key'] not in existing]
            messages = cls.create(vlist) if vlist else []
        cls.queue(messages)
        return messages

    @classmethod
    def queue(cls, messages, delay=None):
        context = {'queue_name': QUEUE}
        if delay:
            context['queue_scheduled_at'] = delay
        with Transaction().set_context(**context):
            for message in messages:
                # One task a message: one gateway failure delays no other
                cls.__queue__.send([message])

    @classmethod
    def send(cls, messages):
        """Send the pending messages through the gateway, once each; on
        failure count the attempt and queue it again later"""
        now = cls.now()
        with without_check_access():
            messages = cls.browse([m.id for m in messages])
            cls.lock(messages)
            # Read again after the lock: another task may have sent it
            messages = [m for m in cls.browse([m.id for m in messages])
                if m.state == 'pending']
            try:
                gateway = gateways.get_gateway()
            except gateways.GatewayError as error:
                gateway, problem = None, str(error)
            retry = []
            for message in messages:
                phone = message.complaint.phone
                attempts = (message.attempts or 0) + 1
                try:
                    if gateway is None:
                        raise gateways.GatewayError(problem)
                    if not phone:
                        raise gateways.GatewayError("no phone number")
                    gateway.send(phone, message.text)
                except gateways.GatewayError as error:
                    failed = attempts >= MAX_ATTEMPTS or not phone
                    cls.write([message], {
                            'attempts': attempts,
                            'last_error': str(error)[:200],
                            'state': 'failed' if failed else 'pending',
                            'next_attempt_at': (None if failed
                                else now + retry_delay(attempts)),
                            })
                    if not failed:
                        retry.append(message)
                    continue
                cls.write([message], {
                        'attempts': attempts, 'state': 'sent',
                        'sent_at': now, 'next_attempt_at': None,
                        'last_error': None})
            for message in retry:
                cls.queue([message], delay=retry_delay(message.attempts))

    @classmethod
    def send_pending(cls):
        "The job: send the pending messages whose next attempt is due"
        now = cls.now()
        with without_check_access():
            messages = cls.search([
                    ('state', '=', 'pending'),
                    ['OR', ('next_attempt_at', '=', None),
                        ('next_attempt_at', '<=', now)],
                    ], order=[('id', 'ASC')])
        if messages:
            cls.send(messages)
        return messages


class Complaint(metaclass=PoolMeta):
    __name__ = 'bhmis.complaint'

    messages = fields.One2Many('bhmis.complaint.message', 'complaint',
        "Messages", readonly=True)

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default else {}
        default.setdefault('messages', None)
        return super().copy(complaints, default=default)

    @classmethod
    def create(cls, vlist):
        complaints = super().create(vlist)
        cls.notify_filed(complaints)
        return complaints

    def _message_text(self, name, **params):
        "The text of ir.message name in the complaint's language"
        with Transaction().set_context(language=self.language):
            return gettext('bhmis_complaints.' + name,
                number=self.tracking_number, **params)

    @classmethod
    def notify_filed(cls, complaints):
        Message = Pool().get('bhmis.complaint.message')
        if Transaction().context.get(QUIET):
            return
        vlist = []
        for complaint in complaints:
            if not complaint.phone:
                continue
            vlist.append({
                    'complaint': complaint.id,
                    'key': 'filed:%s' % complaint.id,
                    'kind': 'acknowledgement',
                    'text': complaint._message_text(
                        'msg_sms_acknowledgement',
                        days=complaint.category.target_days),
                    })
        if vlist:
            Message.enqueue(vlist)

    @classmethod
    def record_transitions(cls, complaints, before, state, at=None,
            user=None):
        transitions = super().record_transitions(complaints, before,
            state, at=at, user=user)
        if state in NOTIFIED:
            cls.notify_transitions(transitions)
        return transitions

    @classmethod
    def notify_transitions(cls, transitions):
        Message = Pool().get('bhmis.complaint.message')
        if Transaction().context.get(QUIET):
            return
        vlist = []
        for transition in transitions:
            complaint = transition.complaint
            if not complaint.phone:
                continue
            reply = shorten(transition.public_reply)
            if transition.to_state == 'resolved':
                kind = 'feedback_request'
                text = complaint._message_text('msg_sms_feedback_request',
                    reply=reply)
            else:
                kind = 'status'
                with Transaction().set_context(language=complaint.language):
                    status = cls._state_string(transition.to_state)
                text = complaint._message_text('msg_sms_status',
                    status=status, reply=reply)
            vlist.append({
                    'complaint': complaint.id,
                    'key': 'step:%s' % transition.id,
                    'kind': kind,
                    'text': text.strip(),
                    })
        if vlist:
            Message.enqueue(vlist)
