# SPDX-License-Identifier: GPL-3.0-or-later
"""Demo data of bhmis_complaints: a focal person at the Civil Hospital of
Quetta and about 60 complaints of the last two months across channels,
categories and states, their history back-dated so that the clocks show
what happened: some overdue and escalated, some reopened.

Deterministic (seeded) and idempotent: re-loading creates nothing twice.
"""
import datetime as dt

from trytond.pool import Pool
from trytond.transaction import Transaction

from . import notification, tracking
from .complaint import utcnow

FOCAL_USERS = [
    ('focal.civil', "Focal Person Civil Hospital Quetta",
        'QUETTA-CIVIL-001'),
    ]
COUNT = {'small': 60, 'province': 60}
DAYS = 60
# The final state and the steps that lead there
PATHS = {
    'new': [],
    'acknowledged': ['acknowledged'],
    'assigned': ['acknowledged', 'assigned'],
    'in_progress': ['acknowledged', 'assigned', 'in_progress'],
    'waiting': ['acknowledged', 'assigned', 'in_progress', 'waiting'],
    'resolved': ['acknowledged', 'assigned', 'in_progress', 'resolved'],
    'closed': ['acknowledged', 'assigned', 'in_progress', 'resolved',
        'closed'],
    'reopened': ['acknowledged', 'assigned', 'in_progress', 'resolved',
        'reopened'],
    'rejected': ['acknowledged', 'rejected'],
    }
STATE_WEIGHTS = [('new', 4), ('acknowledged', 5), ('assigned', 8),
    ('in_progress', 10), ('waiting', 4), ('resolved', 8), ('closed', 12),
    ('reopened', 4), ('rejected', 5)]
CHANNEL_WEIGHTS = [('phone', 10), ('web', 8), ('sms', 4), ('walk_in', 3),
    ('letter', 1)]
DESCRIPTIONS = {
    'staff_absence': "The doctor was not in the OPD in the morning.",
    'staff_misbehaviour': "The staff at the counter shouted at my mother.",
    'medicine_unavailable': "Paracetamol and ORS were not given: out of "
    "stock, they said.",
    'bribery': "The dispenser asked for 500 rupees for the medicine.",
    'cleanliness': "The toilets of the ward have not been cleaned for days.",
    'equipment_not_working': "The X-ray machine has not worked for a week.",
    'long_waiting': "We waited four hours to see a doctor.",
    'referral_ambulance': "No ambulance came for the referral to Quetta.",
    'suggestion': "Please open the OPD in the evening as well.",
    'other': "The water cooler of the waiting area is broken.",
    }
NAMES = ["Gul Bano", "Abdul Wahid", "Shah Jahan", "Naseem Akhtar",
    "Mir Hassan", "Zarina Bibi", "Fazal Karim", "Saira Kakar"]
REPLIES = {
    'waiting': "Please tell us the day and time of your visit.",
    'resolved': "The matter was checked at the facility and action taken.",
    'rejected': "This is not for the Health Department: please contact "
    "the district administration.",
    }


def load(size, rng):
    pool = Pool()
    Complaint = pool.get('bhmis.complaint')
    _focal_users()
    if Complaint.search([], limit=1):
        return 0
    return _complaints(COUNT[size], rng)


def _focal_users():
    from bhmis_base.demo import DEMO_PASSWORD
    pool = Pool()
    User = pool.get('res.user')
    Facility = pool.get('bhmis.facility')
    ModelData = pool.get('ir.model.data')
    group = ModelData.get_id('bhmis_complaints',
        'group_complaint_focal_person')
    existing = {u.login for u in User.search([])}
    to_create = []
    for login, name, code in FOCAL_USERS:
        facilities = Facility.search([('code', '=', code)])
        if login in existing or not facilities:
            continue
        to_create.append({
                'login': login,
                'name': name,
                'password': DEMO_PASSWORD,
                'groups': [('add', [group])],
                'bhmis_facilities': [('add', [f.id for f in facilities])],
                })
    User.create(to_create)


def _pick(rng, weights):
    return rng.choices([k for k, _ in weights], [w for _, w in weights])[0]


def _complaints(count, rng):
    pool = Pool()
    Complaint = pool.get('bhmis.complaint')
    Category = pool.get('bhmis.complaint.category')
    Facility = pool.get('bhmis.facility')
    Transition = pool.get('bhmis.complaint.transition')
    User = pool.get('res.user')
    now = utcnow()
    categories = Category.search([], order=[('code', 'ASC')])
    facilities = Facility.search([('status', '!=', 'closed')],
        order=[('code', 'ASC')])
    cell = User.search([('login', '=', 'complaints')], limit=1)
    officer = cell[0].id if cell else None
    numbers = set()
    plans = []
    for index in range(count):
        state = _pick(rng, STATE_WEIGHTS)
        age = rng.uniform(0.2, 2) if state == 'new' else rng.uniform(
            1, DAYS)
        filed_at = now - dt.timedelta(seconds=int(age * 86400))
        category = rng.choice(categories)
        where = rng.random()
        facility = rng.choice(facilities) if where < 0.85 else None
        anonymous = category.code == 'bribery' or rng.random() < 0.15
        number = tracking.generate(rng)
        while number in numbers:
            number = tracking.generate(rng)
        numbers.add(number)
        values = {
            'tracking_number': number,
            'filed_at': filed_at,
            'channel': _pick(rng, CHANNEL_WEIGHTS),
            'category': category.id,
            'facility': facility.id if facility else None,
            'district': (facility.district.id if facility
                else rng.choice(facilities).district.id
                if where < 0.95 else None),
            'incident_at': filed_at - dt.timedelta(hours=rng.randint(1, 48)),
            'description': DESCRIPTIONS[category.code],
            'anonymous': anonymous,
            'language': rng.choice(['ur', 'ur', 'en']),
            'callback_consent': not anonymous,
            }
        if not anonymous:
            values['complainant_name'] = rng.choice(NAMES)
            values['phone'] = '+9230%08d' % rng.randrange(10 ** 8)
        plans.append((values, state))
    # Their citizens were told at the time: no SMS now, the
    # acknowledgements recorded as sent then
    with Transaction().set_context({notification.QUIET: True}):
        complaints = Complaint.create([v for v, _ in plans])
    pool.get('bhmis.complaint.message').create([{
                'complaint': c.id,
                'key': 'filed:%s' % c.id,
                'kind': 'acknowledgement',
                'text': c._message_text('msg_sms_acknowledgement',
                    days=c.category.target_days),
                'state': 'sent',
                'attempts': 1,
                'sent_at': c.filed_at,
                } for c in complaints if c.phone])
    transitions, to_write = [], []
    for complaint, (values, state) in zip(complaints, plans):
        steps = PATHS[state]
        span = (now - values['filed_at']).total_seconds()
        # Steps spread over the complaint's life, the last well before now
        times = sorted(int(rng.uniform(0.02, 0.9) * span) for _ in steps)
        previous = 'new'
        for step, seconds in zip(steps, times):
            transitions.append({
                    'complaint': complaint.id,
                    'at': values['filed_at'] + dt.timedelta(seconds=seconds),
                    'user': officer,
                    'from_state': previous,
                    'to_state': step,
                    'public_reply': REPLIES.get(step),
                    'reason': ("The citizen is not satisfied."
                        if step == 'reopened' else None),
                    })
            previous = step
        extra = {'state': state}
        if state == 'rejected':
            extra['reject_reason'] = rng.choice(['out_of_scope', 'abusive'])
        if state == 'closed' and rng.random() < 0.7:
            # Rated; the others were closed 7 days after without an answer
            extra.update(satisfied=True, rating=rng.choice([3, 4, 4, 5, 5]),
                feedback_at=transitions[-1]['at'])
        if state == 'reopened':
            extra.update(satisfied=False, rating=rng.choice([1, 2]),
                reopen_count=1)
        to_write.extend(([complaint], extra))
    Transition.create(transitions)
    Complaint.write(*to_write)
    complaints = Complaint.browse([c.id for c in complaints])
    Complaint.refresh_clocks(complaints)
    Complaint.escalate(complaints)
    return len(complaints)
