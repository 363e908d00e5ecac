# SPDX-License-Identifier: GPL-3.0-or-later
"""What the public HTTP API (routes.py) calls: file a complaint, read its
public status, rate the outcome, file or rate by SMS."""
import datetime as dt
import re

from trytond import config
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from . import attachments, tracking
from . import phone as phones
from .complaint import FEEDBACK_DAYS
from .exceptions import ComplaintInputError, FeedbackRefused, PhoneLimited

# A rating by SMS: the tracking number, then 1-5 (and a comment)
SMS_RATING = re.compile(
    r'^\s*(?P<number>[0-9A-Za-z-]{9,20})\s+(?P<rating>[1-5])\b\s*'
    r'(?P<comment>.*)$', re.S)


def iso(value):
    return value.replace(microsecond=0).isoformat() + 'Z' if value else None


# The citizen's channels whose complaints a phone number files itself
SELF_FILED = ('web', 'sms')


def phone_rate():
    "Complaints a phone number may file on the web and by SMS in an hour"
    return max(1, config.getint('bhmis_complaints', 'phone_rate', default=5))


class Complaint(metaclass=PoolMeta):
    __name__ = 'bhmis.complaint'

    @classmethod
    def check_phone_rate(cls, phone):
        """Raise PhoneLimited when phone (normalised) filed phone_rate()
        complaints on the web or by SMS in the last hour.  Counted in the
        database: the limit holds in all, whatever the number of web
        processes and nodes (an officer keying in calls is not limited)"""
        since = cls.now() - dt.timedelta(hours=1)
        with without_check_access():
            count = cls.search_count([
                    ('phone', '=', phone),
                    ('channel', 'in', SELF_FILED),
                    ('filed_at', '>=', since),
                    ])
        if count >= phone_rate():
            raise PhoneLimited(gettext('bhmis_complaints.msg_phone_limited'))

    @classmethod
    def file_public(cls, values):
        """Create the complaint values describe (as intake.validate gives
        them) with its attachments; raise ComplaintInputError naming the
        fields only the database can check, writing nothing; raise
        PhoneLimited past the phone's complaints of the hour on the web"""
        if values.get('phone') and values.get('channel', 'web') == 'web':
            cls.check_phone_rate(values['phone'])
        pool = Pool()
        Category = pool.get('bhmis.complaint.category')
        Facility = pool.get('bhmis.facility')
        District = pool.get('bhmis.district')
        Attachment = pool.get('ir.attachment')
        errors = {}
        with without_check_access():
            categories = Category.search([
                    ('code', '=', values.get('category_code'))], limit=1)
            if not categories:
                errors['category'] = gettext(
                    'bhmis_complaints.msg_unknown_category')
            facility = district = None
            if values.get('facility_code'):
                facilities = Facility.search([
                        ('code', '=', values['facility_code'])], limit=1)
                if facilities:
                    facility, = facilities
                else:
                    errors['facility'] = gettext(
                        'bhmis_complaints.msg_unknown_facility')
            if values.get('district_code'):
                districts = District.search([
                        ('code', '=', values['district_code'])], limit=1)
                if districts:
                    district, = districts
                else:
                    errors['district'] = gettext(
                        'bhmis_complaints.msg_unknown_district')
            if facility and district and facility.district != district:
                errors['district'] = gettext(
                    'bhmis_complaints.msg_district_not_facility',
                    facility=facility.rec_name)
            errors.update(cls.check_public_attachments(
                    values.get('attachments') or []))
            if errors:
                raise ComplaintInputError(
                    gettext('bhmis_complaints.msg_public_input'),
                    errors=errors)
            anonymous = bool(values.get('anonymous'))
            complaint, = cls.create([{
                        'channel': values.get('channel') or 'web',
                        'category': categories[0].id,
                        'facility': facility.id if facility else None,
                        'district': (district.id if district
                            else facility.district.id if facility else None),
                        'incident_at': values.get('incident_at'),
                        'description': values['description'],
                        'employee_name': values.get('employee_name'),
                        'anonymous': anonymous,
                        'complainant_name': values.get('complainant_name'),
                        'phone': values.get('phone'),
                        'cnic': values.get('cnic'),
                        'callback_consent': bool(
                            values.get('callback_consent')),
                        'language': values.get('language') or 'ur',
                        }])
            attachments = values.get('attachments') or []
            if attachments:
                Attachment.create([{
                            'name': name,
                            'resource': str(complaint),
                            'data': data,
                            'type': 'data',
                            } for name, _, data in attachments])
        return complaint

    @classmethod
    def check_public_attachments(cls, files):
        "The errors of the attachments, before anything is written"
        if len(files) > attachments.MAX_FILES:
            return {'attachments': gettext(
                    'bhmis_complaints.msg_public_attachments_too_many',
                    max=attachments.MAX_FILES)}
        for name, _, data in files:
            try:
                attachments.sniff(data)
            except attachments.Refused as refused:
                return {'attachments': gettext(
                        'bhmis_complaints.msg_public_attachment_'
                        + (refused.code if refused.code in {
                                'empty', 'too_large', 'damaged'}
                            else 'type'), name=name)}
        return {}

    def public_history(self):
        return [{
                'at': iso(t.at),
                'status': t.to_state,
                'public_reply': t.public_reply,
                } for t in self.transitions]

    @classmethod
    def find_public(cls, number):
        "The complaint of a tracking number as the citizen typed it"
        try:
            number = tracking.parse(number)
        except tracking.InvalidNumber:
            return None
        with without_check_access():
            complaints = cls.search([('tracking_number', '=', number)],
                limit=1)
        return complaints[0] if complaints else None

    @classmethod
    def public_status(cls, number):
        """What the citizen may read of their complaint: never internal
        notes nor personal data; None for an unknown number"""
        with without_check_access():
            complaint = cls.find_public(number)
            if not complaint:
                return None
            return {
                'tracking_number': complaint.tracking_number,
                'status': complaint.state,
                'category': complaint.category.code,
                'facility': (complaint.facility.code
                    if complaint.facility else None),
                'district': (complaint.district.code
                    if complaint.district else None),
                'filed_at': iso(complaint.filed_at),
                'resolve_by': iso(complaint.resolve_by),
                'history': complaint.public_history(),
                'duplicate_of': complaint.public_original(),
                }

    def public_original(self):
        """The number, status and resolve-by date of the original of a
        complaint merged into it, else None"""
        original = self.duplicate_of
        if (self.state != 'rejected' or self.reject_reason != 'duplicate'
                or not original):
            return None
        return {
            'tracking_number': original.tracking_number,
            'status': original.state,
            'resolve_by': iso(original.resolve_by),
            }

    @classmethod
    def give_feedback(cls, number, satisfied, rating, comment):
        "The citizen rates the resolution: closes, or reopens if unhappy"
        with without_check_access():
            complaint = cls.find_public(number)
            if complaint is None:
                raise FeedbackRefused(gettext(
                        'bhmis_complaints.msg_feedback_unknown'))
            cls.record_feedback(complaint, satisfied, rating, comment)
        return complaint

    @classmethod
    def record_feedback(cls, complaint, satisfied, rating, comment,
            by_call=False):
        if complaint.state != 'resolved' or complaint.feedback_at:
            raise FeedbackRefused(gettext(
                    'bhmis_complaints.msg_feedback_refused',
                    complaint=complaint.tracking_number))
        with without_check_access():
            super(Complaint, cls).write([complaint], {
                    'satisfied': bool(satisfied),
                    'rating': rating,
                    'feedback_comment': comment or None,
                    'feedback_at': cls.now(),
                    })
            if satisfied:
                cls.close([complaint])
            else:
                complaint.reason = gettext(
                    'bhmis_complaints.msg_reopened_unsatisfied')
                complaint.save()
                cls.reopen([complaint])
                # The citizen's rating stays with the history of the reopen
                super(Complaint, cls).write([complaint], {
                        'satisfied': False,
                        'rating': rating,
                        'feedback_comment': comment or None,
                        })

    @classmethod
    def close_unanswered(cls, complaints):
        "Close resolved complaints the citizen did not rate"
        with without_check_access():
            for complaint in complaints:
                complaint.reason = gettext(
                    'bhmis_complaints.msg_closed_unanswered')
            cls.save(complaints)
            cls.close(complaints)

    @classmethod
    def close_without_feedback(cls):
        "Cron: close what was resolved 7 days ago without feedback"
        limit = cls.now() - dt.timedelta(days=FEEDBACK_DAYS)
        with without_check_access():
            complaints = cls.search([
                    ('state', '=', 'resolved'),
                    ('feedback_at', '=', None),
                    ('resolved_at', '<=', limit),
                    ], order=[('id', 'ASC')])
            if complaints:
                cls.close_unanswered(complaints)
        return complaints

    @classmethod
    def from_sms(cls, phone, text):
        """An inbound SMS: a rating ('<tracking number> <1-5> [comment]')
        of a resolved complaint, else a new complaint by SMS"""
        phone = phones.normalise_mobile(phone)
        text = (text or '').strip()
        match = SMS_RATING.match(text)
        if match:
            complaint = cls.find_public(match.group('number'))
            if complaint and complaint.state == 'resolved':
                rating = int(match.group('rating'))
                cls.record_feedback(complaint, rating >= 3, rating,
                    match.group('comment').strip())
                return complaint
        if not text:
            raise ComplaintInputError(
                gettext('bhmis_complaints.msg_public_input'),
                errors={'description': gettext(
                        'bhmis_complaints.msg_sms_empty')})
        cls.check_phone_rate(phone)
        Category = Pool().get('bhmis.complaint.category')
        with without_check_access():
            other, = Category.search([('code', '=', 'other')], limit=1)
            complaint, = cls.create([{
                        'channel': 'sms',
                        'category': other.id,
                        'description': text,
                        'phone': phone,
                        'callback_consent': True,
                        'language': Transaction().language
                        if Transaction().language in {'ur', 'en'} else 'ur',
                        }])
        return complaint
