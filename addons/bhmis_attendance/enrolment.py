# SPDX-License-Identifier: GPL-3.0-or-later
"""Enrolment: 1 to 5 photos of an employee pass the quality gate and become
face encodings.  A face that already matches another employee is refused
and flagged to HR (a duplicate or ghost employee).  Faces are biometric
data: only the attendance administration group reads them, and every
enrolment and deletion is logged."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from bhmis_base.scope import ScopedMixin

from . import face as engine
from . import gallery
from .exceptions import DuplicateFaceError, EnrolmentError

MAX_PHOTOS = 5
SOURCES = [
    (None, ''),
    ('back_office', "Back Office"),
    ('kiosk', "Kiosk"),
    ('command', "Command Line"),
    ]


def face_error(error, photo=None):
    "The EnrolmentError telling the user what is wrong with a photo"
    return EnrolmentError(gettext(
            'bhmis_attendance.msg_face_%s' % error.code,
            photo=photo or ''), error.code)


class Face(ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.attendance.face'
    __string__ = "Enrolled Face"
    _scope_facility = 'employee.facility'
    employee = fields.Many2One('company.employee', "Employee",
        required=True, readonly=True, ondelete='CASCADE')
    encoding = fields.Binary("Encoding", readonly=True)
    photo = fields.Binary("Photo", readonly=True,
        help="A small thumbnail of the enrolment photo, shown to the "
        "reviewer beside doubtful check-ins.")
    source = fields.Selection(SOURCES, "Source", readonly=True)
    sharpness = fields.Float("Sharpness", readonly=True, digits=(16, 1))
    brightness = fields.Float("Brightness", readonly=True, digits=(16, 1))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.employee, Index.Range())))

    @classmethod
    def enrol(cls, employee, photos, source='back_office'):
        """Enrol the photos (bytes) of employee and return the new faces.

        Every photo passes the quality gate first; nothing is written
        unless all do and the face matches nobody else."""
        pool = Pool()
        Configuration = pool.get('bhmis.attendance.configuration')
        if not 1 <= len(photos) <= MAX_PHOTOS:
            raise EnrolmentError(gettext(
                    'bhmis_attendance.msg_enrol_photo_count',
                    maximum=MAX_PHOTOS), 'bad_request')
        if employee.hr_status != 'active':
            raise EnrolmentError(gettext(
                    'bhmis_attendance.msg_enrol_not_active',
                    employee=employee.rec_name), 'not_active')
        settings = engine.FaceSettings()
        samples = []
        for number, data in enumerate(photos, 1):
            try:
                samples.append(engine.analyse(
                        engine.decode(data, settings), settings))
            except engine.FaceError as error:
                raise face_error(error, photo=number) from error
        config = Configuration.current()
        cls.check_duplicate(employee, samples, config.duplicate_distance)
        faces = cls.create([{
                    'employee': employee.id,
                    'encoding': engine.encoding_to_bytes(sample.encoding),
                    'photo': engine.thumbnail(sample.image, sample.location),
                    'source': source,
                    'sharpness': round(float(sample.sharpness), 1),
                    'brightness': round(float(sample.brightness), 1),
                    } for sample in samples])
        pool.get('bhmis.attendance.biometric_log').log(
            employee, 'enrolled', len(faces), source)
        return faces

    @classmethod
    def check_duplicate(cls, employee, samples, distance):
        "Refuse a face that matches another employee"
        Employee = Pool().get('company.employee')
        found = gallery.current()
        for sample in samples:
            for key, found_distance in found.search(
                    sample.encoding, limit=2):
                if key == employee.id or found_distance > distance:
                    continue
                other = Employee(key)
                error = DuplicateFaceError(gettext(
                        'bhmis_attendance.msg_enrol_duplicate',
                        employee=employee.rec_name,
                        other=other.rec_name,
                        personnel_number=other.personnel_number or '',
                        ), 'duplicate_face')
                error.match = (employee.id, key,
                    round(float(found_distance), 3))
                raise error

    @classmethod
    def enrol_or_flag(cls, employee, photos, source):
        """Enrol like enrol(), but a duplicate face raises nothing: it is
        flagged to HR and returned as the error, and no face is written.

        Callers that commit use it so that the flag is kept."""
        Flag = Pool().get('bhmis.attendance.duplicate_flag')
        try:
            return cls.enrol(employee, photos, source=source), None
        except DuplicateFaceError as error:
            with Transaction().set_user(0):
                Flag.raise_flag(*error.match)
            return [], error

    @classmethod
    def forget(cls, employees, reason):
        "Delete the biometric data of employees and log the deletion"
        pool = Pool()
        Log = pool.get('bhmis.attendance.biometric_log')
        Event = pool.get('bhmis.attendance.event')
        for employee in employees:
            faces = cls.search([('employee', '=', employee.id)])
            events = Event.with_evidence(employees=[employee])
            if not faces and not events:
                continue
            with Transaction().set_context(_bhmis_logged=True):
                cls.delete(faces)
            Event.write(events, {'evidence': None})
            Log.log(employee, reason, len(faces) + len(events))

    @classmethod
    def create(cls, vlist):
        faces = super().create(vlist)
        if faces:
            Pool().get('bhmis.attendance.gallery_state').changed(
                added=len(faces), last=max(map(int, faces)))
        return faces

    @classmethod
    def delete(cls, faces):
        pool = Pool()
        Log = pool.get('bhmis.attendance.biometric_log')
        counts = {}
        if not Transaction().context.get('_bhmis_logged'):
            for face in faces:
                counts[face.employee] = counts.get(face.employee, 0) + 1
        super().delete(faces)
        if faces:
            pool.get('bhmis.attendance.gallery_state').changed(
                removed=len(faces))
        for employee, count in counts.items():
            Log.log(employee, 'deleted_request', count, 'back_office')


class DuplicateFlag(ScopedMixin, ModelSQL, ModelView):
    "A face enrolled for one employee that matches another's"
    __name__ = 'bhmis.attendance.duplicate_flag'
    __string__ = "Possible Duplicate Employee"
    _scope_facility = ('employee.facility', 'other.facility')
    _scope_write = ('employee.facility',)
    employee = fields.Many2One('company.employee', "Employee",
        required=True, readonly=True, ondelete='CASCADE',
        help="The employee whose enrolment was refused.")
    other = fields.Many2One('company.employee', "Matches", required=True,
        readonly=True, ondelete='CASCADE',
        help="The employee already enrolled with the same face.")
    distance = fields.Float("Distance", readonly=True, digits=(3, 3))
    flagged_at = fields.DateTime("Flagged At", readonly=True)
    count = fields.Integer("Attempts", readonly=True)
    note = fields.Text("HR Note",
        help="What HR found: the same person twice on the payroll, "
        "relatives who look alike, a mistake at enrolment.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('pair_unique', Unique(t, t.employee, t.other),
                'bhmis_attendance.msg_duplicate_flag_unique'),
            ]
        cls._order.insert(0, ('flagged_at', 'DESC'))

    @classmethod
    def raise_flag(cls, employee, other, distance):
        flags = cls.search([('employee', '=', employee),
                ('other', '=', other)])
        if flags:
            flag, = flags
            cls.write(flags, {'count': (flag.count or 1) + 1,
                    'flagged_at': dt.datetime.now(),
                    'distance': min(distance, flag.distance or distance)})
        else:
            cls.create([{'employee': employee, 'other': other,
                        'distance': distance, 'count': 1,
                        'flagged_at': dt.datetime.now()}])


class BiometricLog(ScopedMixin, ModelSQL, ModelView):
    "Who enrolled or deleted whose biometric data, when and why"
    __name__ = 'bhmis.attendance.biometric_log'
    __string__ = "Biometric Data Log"
    _scope_facility = 'employee.facility'
    employee = fields.Many2One('company.employee', "Employee",
        required=True, readonly=True, ondelete='RESTRICT')
    action = fields.Selection([
            ('enrolled', "Enrolled"),
            ('deleted_request', "Deleted on Request"),
            ('deleted_left_service', "Deleted: Left Service"),
            ('evidence_expired', "Evidence Photos Expired"),
            ], "Action", required=True, readonly=True)
    items = fields.Integer("Items", readonly=True,
        help="Encodings and photos concerned.")
    source = fields.Char("Source", readonly=True)
    at = fields.DateTime("At", readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('at', 'DESC'))

    @classmethod
    def log(cls, employee, action, items, source=None):
        user = Transaction().user or None
        with Transaction().set_user(0):
            cls.create([{'employee': employee.id, 'action': action,
                        'items': items, 'source': source,
                        'at': dt.datetime.now(), 'user': user}])

    @classmethod
    def check_modification(cls, mode, logs, values=None, external=False):
        super().check_modification(
            mode, logs, values=values, external=external)
        if mode in {'write', 'delete'} and Transaction().user:
            raise EnrolmentError(gettext(
                    'bhmis_attendance.msg_biometric_log_readonly'), 'log')


class EnrolStart(ModelView):
    __name__ = 'bhmis.attendance.enrol.start'
    __string__ = "Enrol Faces"
    employee = fields.Many2One('company.employee', "Employee",
        required=True, domain=[('hr_status', '=', 'active')])
    photo1 = fields.Binary("Photo 1", required=True)
    photo2 = fields.Binary("Photo 2")
    photo3 = fields.Binary("Photo 3")
    photo4 = fields.Binary("Photo 4")
    photo5 = fields.Binary("Photo 5")
    message = fields.Text("Message", readonly=True)


class Enrol(Wizard):
    "Enrol an employee's face from photos"
    __name__ = 'bhmis.attendance.enrol'
    start = StateView('bhmis.attendance.enrol.start',
        'bhmis_attendance.enrol_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Enrol", 'enrol', 'tryton-ok', default=True),
            ])
    enrol = StateTransition()

    def transition_enrol(self):
        Face = Pool().get('bhmis.attendance.face')
        photos = [getattr(self.start, 'photo%s' % n) for n in range(1, 6)]
        faces, refused = Face.enrol_or_flag(self.start.employee,
            [p for p in photos if p], source='back_office')
        if refused:
            # Back to the form with the reason; the flag to HR is kept
            self.start.message = refused.message
            return 'start'
        return 'end'

    def default_start(self, fields):
        context = Transaction().context
        values = {}
        if getattr(self.start, 'message', None):
            values = {'message': self.start.message,
                'employee': self.start.employee.id}
        elif context.get('active_model') == 'company.employee':
            values['employee'] = context.get('active_id')
        return values
