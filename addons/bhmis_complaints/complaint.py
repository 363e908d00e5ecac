# SPDX-License-Identifier: GPL-3.0-or-later
"""A complaint to the 1129 cell, its workflow and its clocks.

Every state change goes through a button and is written to the history
(bhmis.complaint.transition) with who, when, from, to, the reason and the
reply the citizen reads; the SLA clocks are computed from that history
(clock.py), so they survive restarts and back-dated corrections."""
import datetime as dt
from functools import wraps

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access

from . import clock, tracking
from . import phone as phones
from .exceptions import ComplaintError
from .scope import ComplaintScopedMixin

CHANNELS = [
    ('web', "Web"),
    ('phone', "Phone"),
    ('walk_in', "Walk-in"),
    ('sms', "SMS"),
    ('letter', "Letter"),
    ]
LANGUAGES = [
    ('ur', "Urdu"),
    ('en', "English"),
    ]
STATES = [
    ('new', "New"),
    ('acknowledged', "Acknowledged"),
    ('assigned', "Assigned"),
    ('in_progress', "In Progress"),
    ('waiting', "Waiting on Citizen"),
    ('resolved', "Resolved"),
    ('closed', "Closed"),
    ('reopened', "Reopened"),
    ('rejected', "Rejected"),
    ]
REJECT_REASONS = [
    (None, ""),
    ('duplicate', "Duplicate"),
    ('out_of_scope', "Out of Scope"),
    ('abusive', "Abusive"),
    ]
ESCALATION_LEVELS = [
    (None, ""),
    ('district', "District"),
    ('province', "Province"),
    ]
# clock.Clock.escalation_level → the office
LEVELS = {1: 'district', 2: 'province'}
OPEN_STATES = ['new', 'acknowledged', 'assigned', 'in_progress', 'waiting',
    'reopened']
DONE_STATES = ['resolved', 'closed', 'rejected']
IDENTITY_FIELDS = ('complainant_name', 'phone', 'cnic')
FILED = {'readonly': Eval('state') != 'new'}
# Closure when the citizen does not answer the request for feedback
FEEDBACK_DAYS = 7
UNREACHABLE_CALLS = 3


def utcnow():
    "The current time, naive UTC to the second, as Tryton stores it"
    return dt.datetime.now(dt.timezone.utc).replace(
        tzinfo=None, microsecond=0)


def step(state):
    """A workflow transition to state that refuses (instead of skipping)
    a complaint whose current state does not lead there, and records each
    change in the history"""
    def decorator(func):
        @wraps(func)
        def record(cls, complaints, *args, **kwargs):
            before = {c.id: c.state for c in complaints}
            result = func(cls, complaints, *args, **kwargs)
            cls.record_transitions(complaints, before, state)
            return result
        transition = Workflow.transition(state)(record)

        @wraps(func)
        def wrapper(cls, complaints, *args, **kwargs):
            cls.check_transition(complaints, state)
            return transition(cls, complaints, *args, **kwargs)
        return wrapper
    return decorator


class Complaint(ComplaintScopedMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'bhmis.complaint'
    __string__ = "Complaint"
    _history = True
    _rec_name = 'tracking_number'
    _scope_facility = 'facility'
    _scope_district = 'district'

    tracking_number = fields.Char("Tracking Number", readonly=True,
        help="Given to the citizen to follow the complaint.")
    channel = fields.Selection(CHANNELS, "Channel", required=True,
        states=FILED)
    category = fields.Many2One('bhmis.complaint.category', "Category",
        required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state').in_(DONE_STATES)})
    subject = fields.Function(fields.Selection('get_subjects', "Concerns"),
        'on_change_with_subject')
    facility = fields.Many2One('bhmis.facility', "Facility",
        ondelete='RESTRICT',
        domain=[If(Bool(Eval('district')),
                ('district', '=', Eval('district', -1)), ())],
        states={'readonly': Eval('state').in_(DONE_STATES)},
        help="Empty when the citizen is not sure.")
    district = fields.Many2One('bhmis.district', "District",
        ondelete='RESTRICT',
        states={'readonly': Eval('state').in_(DONE_STATES)},
        help="Set from the facility; alone when the facility is unknown.")
    incident_at = fields.DateTime("Incident", states=FILED)
    description = fields.Text("Description", required=True, states=FILED)
    employee_name = fields.Char("Named Employee", strip=True, states=FILED,
        help="The employee as the citizen names them.")
    employee = fields.Many2One('company.employee', "Employee",
        ondelete='RESTRICT',
        states={'readonly': Eval('state').in_(DONE_STATES)},
        help="The employee record the officer links the complaint to.")
    product = fields.Many2One('product.product', "Medicine",
        ondelete='RESTRICT',
        states={
            'readonly': Eval('state').in_(DONE_STATES),
            'invisible': Eval('subject') != 'medicine',
            })
    equipment = fields.Many2One('bhmis.equipment', "Equipment",
        ondelete='RESTRICT',
        domain=[If(Bool(Eval('facility')),
                ('facility', '=', Eval('facility', -1)), ())],
        states={
            'readonly': Eval('state').in_(DONE_STATES),
            'invisible': Eval('subject') != 'equipment',
            })
    anonymous = fields.Boolean("Anonymous", states=FILED)
    complainant_name = fields.Char("Complainant", strip=True,
        states={'invisible': Bool(Eval('anonymous')), **FILED})
    phone = fields.Char("Phone", strip=True,
        states={'invisible': Bool(Eval('anonymous')), **FILED})
    cnic = fields.Char("CNIC", strip=True,
        states={'invisible': Bool(Eval('anonymous')), **FILED})
    callback_consent = fields.Boolean("May Be Called Back", states=FILED)
    language = fields.Selection(LANGUAGES, "Language", required=True,
        states=FILED)
    filed_at = fields.DateTime("Filed", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    assigned_user = fields.Many2One('res.user', "Assigned To",
        ondelete='RESTRICT',
        states={'readonly': Eval('state').in_(DONE_STATES)})
    assigned_group = fields.Many2One('res.group', "Assigned Office",
        ondelete='RESTRICT',
        states={'readonly': Eval('state').in_(DONE_STATES)})
    # What the next button records with the transition
    reason = fields.Text("Reason",
        help="Why, for the officers (recorded with the next step).")
    public_reply = fields.Text("Reply to the Citizen",
        help="What the citizen reads on the tracking page (recorded with "
        "the next step).")
    reject_reason = fields.Selection(REJECT_REASONS, "Rejected As",
        states={'readonly': Eval('state').in_(DONE_STATES)})
    duplicate_of = fields.Many2One('bhmis.complaint', "Duplicate Of",
        ondelete='RESTRICT',
        domain=[('id', '!=', Eval('id', -1))],
        states={
            'invisible': Eval('reject_reason') != 'duplicate',
            'readonly': Eval('state').in_(DONE_STATES),
            })
    transitions = fields.One2Many('bhmis.complaint.transition', 'complaint',
        "History", readonly=True)
    escalations = fields.One2Many('bhmis.complaint.escalation', 'complaint',
        "Escalations", readonly=True)
    calls = fields.One2Many('bhmis.complaint.call', 'complaint',
        "Follow-up Calls", states={'readonly': Eval('state') != 'resolved'})
    escalation_level = fields.Selection(ESCALATION_LEVELS, "Escalated To",
        readonly=True, sort=False)
    # Stored from the history at each step and by the escalation job, for
    # the overdue lists
    acknowledge_by = fields.DateTime("Acknowledge By", readonly=True)
    resolve_by = fields.DateTime("Resolve By", readonly=True)
    deadline = fields.DateTime("Deadline", readonly=True,
        help="The latest the complaint may be resolved.")
    acknowledged_at = fields.DateTime("Acknowledged", readonly=True)
    resolved_at = fields.DateTime("Resolved", readonly=True)
    # Computed from the history now
    days_open = fields.Function(fields.Float("Days Open", digits=(16, 1)),
        'get_clock')
    paused_days = fields.Function(fields.Float("Days Paused",
            digits=(16, 1)), 'get_clock')
    overdue = fields.Function(fields.Boolean("Overdue"), 'get_clock')
    acknowledged_in_time = fields.Function(
        fields.Boolean("Acknowledged in Time"), 'get_clock')
    resolved_in_target = fields.Function(
        fields.Boolean("Resolved in Target"), 'get_clock')
    resolved_in_max = fields.Function(
        fields.Boolean("Resolved in Time"), 'get_clock')
    # Follow-up
    satisfied = fields.Boolean("Satisfied", readonly=True)
    rating = fields.Integer("Rating", readonly=True,
        domain=['OR', ('rating', '=', None),
            [('rating', '>=', 1), ('rating', '<=', 5)]])
    feedback_comment = fields.Text("Feedback", readonly=True)
    feedback_at = fields.DateTime("Feedback Received", readonly=True)
    reopen_count = fields.Integer("Times Reopened", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('tracking_number_unique', Unique(t, t.tracking_number),
                'bhmis_complaints.msg_tracking_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality()),
                    (t.resolve_by, Index.Range())),
                Index(t, (t.facility, Index.Range())),
                Index(t, (t.district, Index.Range())),
                })
        cls._order = [('filed_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('new', 'acknowledged'),
            ('new', 'assigned'),
            ('acknowledged', 'assigned'),
            ('reopened', 'assigned'),
            ('assigned', 'assigned'),
            ('in_progress', 'assigned'),
            ('assigned', 'in_progress'),
            ('reopened', 'in_progress'),
            ('waiting', 'in_progress'),
            ('assigned', 'waiting'),
            ('in_progress', 'waiting'),
            ('assigned', 'resolved'),
            ('in_progress', 'resolved'),
            ('resolved', 'closed'),
            ('resolved', 'reopened'),
            ('closed', 'reopened'),
            }
        cls._transitions |= {(s, 'rejected') for s in [
                'new', 'acknowledged', 'assigned', 'in_progress', 'waiting',
                'reopened']}
        cls._buttons.update({
                'acknowledge': {
                    'invisible': Eval('state') != 'new',
                    'depends': ['state'],
                    },
                'assign': {
                    'invisible': ~Eval('state').in_(
                        ['new', 'acknowledged', 'reopened', 'assigned',
                            'in_progress']),
                    'depends': ['state'],
                    },
                'start': {
                    'invisible': ~Eval('state').in_(
                        ['assigned', 'reopened', 'waiting']),
                    'depends': ['state'],
                    },
                'wait': {
                    'invisible': ~Eval('state').in_(
                        ['assigned', 'in_progress']),
                    'depends': ['state'],
                    },
                'resolve': {
                    'invisible': ~Eval('state').in_(
                        ['assigned', 'in_progress']),
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'resolved',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': ~Eval('state').in_(['resolved', 'closed']),
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'new'

    @classmethod
    def default_channel(cls):
        return 'phone'

    @classmethod
    def default_language(cls):
        return 'ur'

    @classmethod
    def default_anonymous(cls):
        return False

    @classmethod
    def default_callback_consent(cls):
        return False

    @classmethod
    def default_reopen_count(cls):
        return 0

    @classmethod
    def now(cls):
        "The current time (a test fixes it)"
        return utcnow()

    @classmethod
    def get_subjects(cls):
        Category = Pool().get('bhmis.complaint.category')
        return Category.fields_get(['subject'])['subject']['selection']

    @fields.depends('category')
    def on_change_with_subject(self, name=None):
        return self.category.subject if self.category else None

    @fields.depends('facility', 'district')
    def on_change_facility(self):
        if self.facility:
            self.district = self.facility.district

    @classmethod
    def search_rec_name(cls, name, clause):
        # Never through the complainant's identity
        _, operator, operand, *extra = clause
        return [('tracking_number', operator, operand, *extra)]

    # Creation ---------------------------------------------------------

    @classmethod
    def new_tracking_number(cls):
        "A tracking number not yet given"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        while True:
            number = tracking.generate()
            cursor.execute(*table.select(table.id,
                    where=table.tracking_number == number))
            if not cursor.fetchone():
                return number

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values.setdefault('tracking_number', cls.new_tracking_number())
            values.setdefault('filed_at', cls.now())
        if values.get('anonymous'):
            for name in IDENTITY_FIELDS:
                values[name] = None
        if values.get('phone'):
            # Keyed in by the cell as the citizen says it: stored as the
            # SMS gateway needs it
            try:
                values['phone'] = phones.normalise_mobile(values['phone'])
            except ValueError:
                raise ComplaintError(gettext(
                        'bhmis_complaints.msg_phone_invalid',
                        phone=values['phone']))
        return values

    @classmethod
    def create(cls, vlist):
        complaints = super().create(vlist)
        cls.set_district(complaints)
        with without_check_access():
            cls.route(complaints)
        cls.refresh_clocks(complaints)
        return complaints

    @classmethod
    def write(cls, *args):
        super().write(*args)
        complaints = sum(args[0:None:2], [])
        cls.set_district(complaints)

    @classmethod
    def set_district(cls, complaints):
        "The district of a complaint is its facility's"
        to_write = []
        for complaint in complaints:
            if complaint.facility and (
                    complaint.district != complaint.facility.district):
                to_write.extend(([complaint],
                        {'district': complaint.facility.district.id}))
        if to_write:
            with without_check_access():
                super().write(*to_write)

    @classmethod
    def route(cls, complaints):
        "Send new complaints to the office their rules name"
        RoutingRule = Pool().get('bhmis.complaint.routing')
        for complaint in complaints:
            if complaint.assigned_user or complaint.assigned_group:
                continue
            user, group = RoutingRule.route(complaint.category,
                complaint.facility, complaint.district)
            complaint.assigned_user = user
            complaint.assigned_group = group
        with without_check_access():
            cls.save(complaints)

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default else {}
        for name in ['tracking_number', 'filed_at', 'transitions',
                'escalations', 'calls', 'satisfied', 'rating',
                'feedback_comment', 'feedback_at', 'acknowledged_at',
                'resolved_at']:
            default.setdefault(name, None)
        default.setdefault('escalation_level', None)
        default.setdefault('reopen_count', 0)
        return super().copy(complaints, default=default)

    # Clocks -----------------------------------------------------------

    def history_pairs(self):
        "The (at, state) of each transition, in time order"
        return [(t.at, t.to_state) for t in sorted(self.transitions,
                key=lambda t: (t.at, t.id))]

    def compute_clock(self, now=None):
        return clock.compute(self.filed_at, self.history_pairs(),
            self.category.get_sla(), now or self.now())

    @classmethod
    def get_clock(cls, complaints, names):
        result = {n: {} for n in names}
        now = cls.now()
        for complaint in complaints:
            c = complaint.compute_clock(now)
            values = {
                'days_open': round(c.days_open, 1),
                'paused_days': round(c.paused.total_seconds() / 86400, 1),
                'overdue': c.overdue,
                'acknowledged_in_time': c.acknowledged_in_time,
                'resolved_in_target': c.resolved_in_target,
                'resolved_in_max': c.resolved_in_max,
                }
            for name in names:
                result[name][complaint.id] = values[name]
        return result

    @classmethod
    def refresh_clocks(cls, complaints):
        "Store the dates of the clocks as the history gives them"
        to_write = []
        now = cls.now()
        for complaint in complaints:
            c = complaint.compute_clock(now)
            values = {
                'acknowledge_by': c.acknowledge_by,
                'resolve_by': c.resolve_by,
                'deadline': c.deadline,
                'acknowledged_at': c.acknowledged_at,
                'resolved_at': c.resolved_at,
                }
            if any(getattr(complaint, k) != v for k, v in values.items()):
                to_write.extend(([complaint], values))
        if to_write:
            with without_check_access():
                super().write(*to_write)

    # Workflow ---------------------------------------------------------

    @classmethod
    def check_transition(cls, complaints, state):
        for complaint in complaints:
            if (complaint.state, state) not in cls._transitions:
                raise ComplaintError(gettext(
                        'bhmis_complaints.msg_transition_refused',
                        complaint=complaint.rec_name,
                        state=cls._state_string(complaint.state),
                        to=cls._state_string(state)))

    @classmethod
    def _state_string(cls, state):
        selection = dict(cls.fields_get(['state'])['state']['selection'])
        return selection.get(state, state)

    @classmethod
    def record_transitions(cls, complaints, before, state, at=None,
            user=None):
        """Write the history of the step and clear its reason and reply;
        return the transitions written"""
        pool = Pool()
        Transition = pool.get('bhmis.complaint.transition')
        at = at or cls.now()
        user = user if user is not None else (Transaction().user or None)
        vlist = []
        for complaint in complaints:
            vlist.append({
                    'complaint': complaint.id,
                    'at': at,
                    'user': user,
                    'from_state': before[complaint.id],
                    'to_state': state,
                    'reason': complaint.reason,
                    'public_reply': complaint.public_reply,
                    })
        with without_check_access():
            transitions = Transition.create(vlist)
            super().write(complaints, {'reason': None, 'public_reply': None})
        # The clocks read the history just written
        cls.refresh_clocks(cls.browse([c.id for c in complaints]))
        return transitions

    @classmethod
    def _require(cls, complaints, name, message):
        for complaint in complaints:
            if not getattr(complaint, name):
                raise ComplaintError(gettext(
                        'bhmis_complaints.' + message,
                        complaint=complaint.rec_name))

    @classmethod
    @ModelView.button
    @step('acknowledged')
    def acknowledge(cls, complaints):
        pass

    @classmethod
    @ModelView.button
    @step('assigned')
    def assign(cls, complaints):
        for complaint in complaints:
            if not (complaint.assigned_user or complaint.assigned_group):
                raise ComplaintError(gettext(
                        'bhmis_complaints.msg_assign_nobody',
                        complaint=complaint.rec_name))

    @classmethod
    @ModelView.button
    @step('in_progress')
    def start(cls, complaints):
        pass

    @classmethod
    @ModelView.button
    @step('waiting')
    def wait(cls, complaints):
        "Ask the citizen for something: the clock pauses"
        cls._require(complaints, 'public_reply',
            'msg_wait_public_reply_required')

    @classmethod
    @ModelView.button
    @step('resolved')
    def resolve(cls, complaints):
        cls._require(complaints, 'public_reply',
            'msg_resolve_public_reply_required')

    @classmethod
    @ModelView.button
    @step('closed')
    def close(cls, complaints):
        pass

    @classmethod
    @ModelView.button
    @step('reopened')
    def reopen(cls, complaints):
        cls._require(complaints, 'reason', 'msg_reopen_reason_required')
        cls._reopened(complaints)

    @classmethod
    def _reopened(cls, complaints):
        with without_check_access():
            for complaint in complaints:
                super().write([complaint], {
                        'reopen_count': (complaint.reopen_count or 0) + 1,
                        'satisfied': None, 'rating': None,
                        'feedback_comment': None, 'feedback_at': None,
                        })

    @classmethod
    @ModelView.button
    @step('rejected')
    def reject(cls, complaints):
        for complaint in complaints:
            if not complaint.reject_reason:
                raise ComplaintError(gettext(
                        'bhmis_complaints.msg_reject_reason_required',
                        complaint=complaint.rec_name))
            if not complaint.public_reply:
                raise ComplaintError(gettext(
                        'bhmis_complaints.msg_reject_public_reply_required',
                        complaint=complaint.rec_name))
            if (complaint.reject_reason == 'duplicate'
                    and not complaint.duplicate_of):
                raise ComplaintError(gettext(
                        'bhmis_complaints.msg_reject_duplicate_required',
                        complaint=complaint.rec_name))
