# SPDX-License-Identifier: GPL-3.0-or-later
"""Check-in events: every answer the check-in API gave, kept so that a
resent event gets the same answer and writes nothing twice, and the review
queue of doubtful check-ins that the facility in-charge decides."""
import datetime as dt
import json

from sql import Null
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from bhmis_base.geo import distance_m
from bhmis_base.scope import ScopedMixin

from . import face as engine
from . import gallery
from .exceptions import ReviewError

STATUSES = [
    ('accepted', "Accepted"),
    ('review', "Review"),
    ('rejected', "Rejected"),
    ]
REVIEW_STATES = [
    ('none', "Not Reviewed"),
    ('pending', "Pending Review"),
    ('accepted', "Accepted"),
    ('rejected', "Rejected"),
    ]
REASONS = [
    (None, ''),
    ('no_face', "No Face"),
    ('several_faces', "Several Faces"),
    ('unknown_face', "Unknown Face"),
    ('liveness_failed', "Liveness Failed"),
    ('outside_geofence', "Outside Geofence"),
    ('face_too_small', "Face Too Small"),
    ('blurry', "Blurry"),
    ('too_dark', "Too Dark"),
    ('too_bright', "Too Bright"),
    ('rejected_by_reviewer', "Rejected by Reviewer"),
    ]
# The longest a person stays checked in: a 12-hour night shift and overtime
OPEN_SHIFT = dt.timedelta(hours=16)
PENDING = {'readonly': Eval('review_state') != 'pending'}


def iso(value):
    return value.replace(microsecond=0).isoformat() + 'Z'


class Event(ScopedMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'bhmis.attendance.event'
    __string__ = "Check-in Event"
    _transition_state = 'review_state'
    _scope_facility = 'facility'
    _rec_name = 'event_id'
    device = fields.Many2One('bhmis.attendance.device', "Device",
        required=True, readonly=True, ondelete='RESTRICT')
    facility = fields.Many2One('bhmis.facility', "Facility", required=True,
        readonly=True, ondelete='RESTRICT')
    event_id = fields.Char("Event ID", required=True, readonly=True,
        help="The identifier the device gave the capture; a resend with "
        "the same identifier gets the first answer.")
    captured_at = fields.DateTime("Captured At", required=True,
        readonly=True)
    received_at = fields.DateTime("Received At", readonly=True)
    status = fields.Selection(STATUSES, "Status", required=True,
        readonly=True)
    reason = fields.Selection(REASONS, "Reason", readonly=True)
    employee = fields.Many2One('company.employee', "Employee",
        states=PENDING,
        help="The person recognised, or for a doubtful check-in the "
        "closest match, which the reviewer may correct.")
    distance = fields.Float("Distance", digits=(3, 3), readonly=True)
    line = fields.Many2One('attendance.line', "Attendance", readonly=True,
        ondelete='SET NULL')
    type = fields.Selection([(None, ''), ('in', "In"), ('out', "Out")],
        "Type", readonly=True)
    latitude = fields.Float("Latitude", digits=(9, 6), readonly=True)
    longitude = fields.Float("Longitude", digits=(9, 6), readonly=True)
    evidence = fields.Binary("Evidence Photo", readonly=True)
    enrolled_photo = fields.Function(
        fields.Binary("Enrolled Photo"), 'get_enrolled_photo')
    response = fields.Text("Answer", readonly=True)
    review_state = fields.Selection(REVIEW_STATES, "Review", required=True,
        readonly=True, sort=False)
    reviewed_by = fields.Many2One('res.user', "Reviewed By", readonly=True)
    reviewed_at = fields.DateTime("Reviewed At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('device_event_unique', Unique(t, t.device, t.event_id),
                'bhmis_attendance.msg_event_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.review_state, Index.Equality(cardinality='low')),
                    (t.facility, Index.Range())),
                Index(t, (t.employee, Index.Range()),
                    (t.captured_at, Index.Range())),
                })
        cls._order.insert(0, ('captured_at', 'DESC'))
        cls._transitions |= {
            ('pending', 'accepted'),
            ('pending', 'rejected'),
            }
        cls._buttons.update({
                'accept': {
                    'invisible': Eval('review_state') != 'pending',
                    'depends': ['review_state'],
                    },
                'reject': {
                    'invisible': Eval('review_state') != 'pending',
                    'depends': ['review_state'],
                    },
                })

    @classmethod
    def default_review_state(cls):
        return 'none'

    @classmethod
    def get_enrolled_photo(cls, events, name):
        pool = Pool()
        Face = pool.get('bhmis.attendance.face')
        result = {e.id: None for e in events}
        employees = {e.employee.id for e in events if e.employee}
        if not employees:
            return result
        with Transaction().set_context(_check_access=False):
            photos = {}
            for face in Face.search([('employee', 'in', list(employees))],
                    order=[('id', 'ASC')]):
                photos.setdefault(face.employee.id, face.photo)
        for event in events:
            if event.employee:
                result[event.id] = photos.get(event.employee.id)
        return result

    @classmethod
    def answered(cls, device, event_id):
        "Return the answer already given to this event of device, or None"
        events = cls.search([('device', '=', device.id),
                ('event_id', '=', event_id)], limit=1)
        return json.loads(events[0].response) if events else None

    @classmethod
    def check_in(cls, device, frames, event_id, captured_at,
            latitude=None, longitude=None):
        """Recognise the person in frames and record the event; return the
        answer (a dict).  Raises face.FaceError('bad_image') for frames
        that are not images: then nothing is written."""
        pool = Pool()
        Configuration = pool.get('bhmis.attendance.configuration')
        config = Configuration.current()
        values = {
            'device': device.id, 'facility': device.facility.id,
            'event_id': event_id, 'captured_at': captured_at,
            'received_at': dt.datetime.now(),
            'latitude': latitude, 'longitude': longitude,
            }
        answer = {'event_id': event_id}

        def reject(reason):
            values.update(status='rejected', reason=reason)
            answer.update(status='rejected', reason=reason,
                message=gettext('bhmis_attendance.msg_reason_%s' % reason))
            return cls.record(values, answer)

        if not cls.inside_geofence(device, latitude, longitude, config):
            return reject('outside_geofence')
        settings = engine.FaceSettings()
        try:
            burst = engine.analyse_burst(frames, settings,
                liveness=device.liveness)
        except engine.FaceError as error:
            if error.code == 'bad_image':
                raise
            return reject(error.code)
        if device.liveness and not burst.live:
            return reject('liveness_failed')
        match = cls.match(burst.sample.encoding, device.facility, config)
        values.update(employee=match.key, distance=None
            if match.distance is None else round(float(match.distance), 3))
        if match.outcome == 'reject':
            values['employee'] = None
            return reject('unknown_face')
        if match.outcome == 'review':
            values.update(status='review', review_state='pending',
                evidence=engine.thumbnail(burst.sample.image,
                    burst.sample.location, size=240))
            answer.update(status='review', message=gettext(
                    'bhmis_attendance.msg_checkin_review'))
            return cls.record(values, answer)
        Employee = pool.get('company.employee')
        employee = Employee(match.key)
        line, type_ = cls.punch(employee, captured_at, config)
        values.update(status='accepted', line=line.id, type=type_)
        # A kiosk that was offline sends yesterday's check-ins today
        pool.get('bhmis.attendance.day').recompute_past(
            [(employee, line.date, line.date)])
        answer.update(status='accepted', type=type_, at=iso(line.at),
            employee={'name': employee.party.name,
                'personnel_number': employee.personnel_number})
        return cls.record(values, answer)

    @classmethod
    def record(cls, values, answer):
        values['response'] = json.dumps(answer, ensure_ascii=False,
            sort_keys=True)
        cls.create([values])
        return answer

    @classmethod
    def inside_geofence(cls, device, latitude, longitude, config):
        facility = device.facility
        if latitude is None or longitude is None:
            return device.kind != 'phone'
        if facility.latitude is None or facility.longitude is None:
            # A facility without coordinates cannot fence anyone in
            return device.kind != 'phone'
        return distance_m(latitude, longitude, facility.latitude,
            facility.longitude) <= config.geofence_radius

    @classmethod
    def match(cls, encoding, facility, config):
        "Search the facility's staff first, then the whole province"
        Employee = Pool().get('company.employee')
        found = gallery.current()
        with Transaction().set_context(_check_access=False):
            staff = [e.id for e in Employee.search(
                    [('facility', '=', facility.id)])]
        result = found.match(encoding, config.thresholds, keys=staff)
        if result.outcome != 'accept':
            province = found.match(encoding, config.thresholds)
            if (province.distance is not None
                    and (result.distance is None
                        or province.distance < result.distance)):
                result = province
        return result

    @classmethod
    def punch(cls, employee, at, config):
        """Write the in or out attendance line of employee at at; a punch
        within the repeat window of the previous one is that punch"""
        Line = Pool().get('attendance.line')
        repeat = dt.timedelta(seconds=config.repeat_seconds)
        previous = Line.search([('employee', '=', employee.id),
                ('at', '<=', at + repeat)],
            order=[('at', 'DESC')], limit=1)
        if previous and abs(previous[0].at - at) <= repeat:
            return previous[0], previous[0].type
        line = Line(company=employee.company, employee=employee, at=at)
        line.date = line.on_change_with_date()
        # An open check-in of the last hours is closed by this one, even
        # across midnight (night shifts)
        last = Line.search([('employee', '=', employee.id),
                ('at', '<', at), ('at', '>=', at - OPEN_SHIFT)],
            order=[('at', 'DESC')], limit=1)
        line.type = 'out' if last and last[0].type == 'in' else 'in'
        line.save()
        return line, line.type

    @classmethod
    @ModelView.button
    @Workflow.transition('accepted')
    def accept(cls, events):
        pool = Pool()
        Configuration = pool.get('bhmis.attendance.configuration')
        Day = pool.get('bhmis.attendance.day')
        config = Configuration.current()
        cls.check_reviewer(events)
        for event in events:
            if not event.employee:
                raise ReviewError(gettext(
                        'bhmis_attendance.msg_review_no_employee',
                        event=event.rec_name))
            with Transaction().set_user(0):
                line, type_ = cls.punch(
                    event.employee, event.captured_at, config)
            event.line, event.type = line, type_
            event.status = 'accepted'
        cls.decided(events)
        Day.recompute_past([(e.employee, e.line.date, e.line.date)
                for e in events])

    @classmethod
    def check_reviewer(cls, events):
        "Refuse that staff decide on their own check-ins"
        User = Pool().get('res.user')
        user_id = Transaction().user
        if not user_id:
            return
        own = {e.id for e in User(user_id).employees}
        for event in events:
            if event.employee and event.employee.id in own:
                raise ReviewError(gettext(
                        'bhmis_attendance.msg_review_own',
                        event=event.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('rejected')
    def reject(cls, events):
        cls.check_reviewer(events)
        for event in events:
            event.reason = 'rejected_by_reviewer'
            event.status = 'rejected'
        cls.decided(events)

    @classmethod
    def decided(cls, events):
        now = dt.datetime.now()
        for event in events:
            event.reviewed_by = Transaction().user or None
            event.reviewed_at = now
        with Transaction().set_context(_check_access=False):
            cls.save(events)

    @classmethod
    def with_evidence(cls, employees=None, before=None, settled=False):
        """Return the events holding an evidence photo (settled: only
        those no longer waiting for review)"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        condition = table.evidence != Null
        if settled:
            condition &= table.review_state != 'pending'
        if employees is not None:
            condition &= table.employee.in_([int(e) for e in employees]
                or [-1])
        if before is not None:
            condition &= table.captured_at < before
        cursor.execute(*table.select(table.id, where=condition))
        return cls.browse([i for i, in cursor])

    @classmethod
    def purge_evidence(cls):
        "Delete the evidence photos older than the retention period"
        pool = Pool()
        Configuration = pool.get('bhmis.attendance.configuration')
        Log = pool.get('bhmis.attendance.biometric_log')
        config = Configuration.current()
        limit = dt.datetime.now() - dt.timedelta(
            days=config.evidence_retention_days)
        events = cls.with_evidence(settled=True, before=limit)
        by_employee = {}
        for event in events:
            if event.employee:
                by_employee.setdefault(event.employee, []).append(event)
        cls.write(events, {'evidence': None})
        for employee, expired in by_employee.items():
            Log.log(employee, 'evidence_expired', len(expired), 'cron')
        return len(events)
