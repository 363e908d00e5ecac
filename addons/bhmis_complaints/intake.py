# SPDX-License-Identifier: GPL-3.0-or-later
"""The public API's complaint fields checked and normalised without the
database: what only the database knows (does the facility exist, is it in
the district) is the model's to check.

Every text is kept as the citizen wrote it, HTML included: it is stored as
text and escaped wherever it is shown, never stripped into something else.
Control characters other than new lines and tabs are refused.  Errors are
given per field in the request's language (English or Urdu)."""
import datetime as dt
import os
import re
import unicodedata

from bhmis_hr.cnic import normalise as normalise_cnic

from . import attachments as attachment
from .phone import normalise_mobile

CATEGORIES = (
    'staff_absence', 'staff_misbehaviour', 'medicine_unavailable',
    'bribery', 'cleanliness', 'equipment_not_working', 'long_waiting',
    'referral_ambulance', 'suggestion', 'other')
CHANNELS = ('web', 'phone', 'walk_in', 'sms', 'letter')
LANGUAGES = ('ur', 'en')
DESCRIPTION_MIN, DESCRIPTION_MAX = 10, 5000
NAME_MAX = 200
FILE_NAME_MAX = 100
CODE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,63}$')
# Pakistan Standard Time, without daylight saving: a time written without
# its offset is the citizen's local time
PKT = dt.timezone(dt.timedelta(hours=5))
# A phone's clock may run a little fast
FUTURE = dt.timedelta(minutes=10)
EARLIEST = dt.datetime(2000, 1, 1)
BOOLEANS = {'true': True, '1': True, 'on': True, 'yes': True,
    'false': False, '0': False, 'off': False, 'no': False, '': False}
# Control characters and lone surrogates (which UTF-8 cannot encode);
# format characters stay, Urdu needs the zero-width non-joiner
CONTROL = {'Cc', 'Cs'}
FIELDS = {'category', 'facility', 'district', 'description', 'incident_at',
    'employee_name', 'name', 'phone', 'cnic', 'anonymous',
    'callback_consent', 'language', 'channel'}

MESSAGES = {
    'required': (
        "This field is required.",
        "یہ خانہ پُر کرنا ضروری ہے۔"),
    'not_text': (
        "This field must be text.",
        "اس خانے میں متن ہونا چاہیے۔"),
    'control': (
        "This field contains characters that are not text.",
        "اس خانے میں ایسے حروف ہیں جو متن نہیں ہیں۔"),
    'one_line': (
        "This field must be on one line.",
        "یہ خانہ ایک سطر میں ہونا چاہیے۔"),
    'category': (
        "Unknown category; choose one of: %(choices)s.",
        "نامعلوم زمرہ؛ ان میں سے ایک چنیں: %(choices)s۔"),
    'code': (
        "This is not a valid code.",
        "یہ درست کوڈ نہیں ہے۔"),
    'too_short': (
        "Write at least %(min)s characters.",
        "کم از کم %(min)s حروف لکھیں۔"),
    'too_long': (
        "Write at most %(max)s characters (%(length)s given).",
        "زیادہ سے زیادہ %(max)s حروف لکھیں (%(length)s لکھے گئے)۔"),
    'date': (
        "Give the date and time as ISO 8601, e.g. 2026-03-01T14:30.",
        "تاریخ اور وقت ISO 8601 میں دیں، مثلاً 2026-03-01T14:30۔"),
    'future': (
        "The incident cannot be in the future.",
        "واقعہ مستقبل میں نہیں ہو سکتا۔"),
    'too_old': (
        "This date is too far in the past.",
        "یہ تاریخ بہت پرانی ہے۔"),
    'phone': (
        "Give a Pakistani mobile number, e.g. 0300-1234567.",
        "پاکستانی موبائل نمبر دیں، مثلاً 0300-1234567۔"),
    'cnic': (
        "Give a CNIC of 13 digits, e.g. 12345-1234567-1.",
        "13 ہندسوں کا شناختی کارڈ نمبر دیں، مثلاً 12345-1234567-1۔"),
    'boolean': (
        "This field must be true or false.",
        "اس خانے کی قدر true یا false ہونی چاہیے۔"),
    'anonymous': (
        "An anonymous complaint has no name, phone or CNIC.",
        "گمنام شکایت میں نام، فون یا شناختی کارڈ نمبر نہیں ہوتا۔"),
    'callback_phone': (
        "Give a phone number to be called back.",
        "واپس کال کے لیے فون نمبر دیں۔"),
    'language': (
        "The language is ur or en.",
        "زبان ur یا en ہے۔"),
    'channel': (
        "Complaints here come from the web only.",
        "یہاں شکایات صرف ویب سے آتی ہیں۔"),
    'unknown_field': (
        "Unknown field.",
        "نامعلوم خانہ۔"),
    'too_many_files': (
        "Attach at most %(max)s files.",
        "زیادہ سے زیادہ %(max)s فائلیں لگائیں۔"),
    'file_empty': (
        "%(file)s is empty.",
        "%(file)s خالی ہے۔"),
    'file_too_large': (
        "%(file)s is larger than %(max)s MiB.",
        "%(file)s کا سائز %(max)s MiB سے زیادہ ہے۔"),
    'file_type': (
        "%(file)s is not a JPEG, PNG or PDF file.",
        "%(file)s کوئی JPEG، PNG یا PDF فائل نہیں ہے۔"),
    'file_damaged': (
        "%(file)s cannot be read.",
        "%(file)s پڑھی نہیں جا سکتی۔"),
    'rating': (
        "Give a rating from 1 to 5.",
        "1 سے 5 تک درجہ دیں۔"),
    # The request as a whole
    'too_large': (
        "The request is larger than %(max)s MiB: attach at most 3 files of "
        "5 MiB each.",
        "درخواست %(max)s MiB سے بڑی ہے: زیادہ سے زیادہ 5 MiB کی 3 فائلیں "
        "لگائیں۔"),
    'rate_limited': (
        "Too many requests from your address; try again in a minute.",
        "آپ کے پتے سے بہت زیادہ درخواستیں آئی ہیں؛ ایک منٹ بعد دوبارہ "
        "کوشش کریں۔"),
    'phone_limited': (
        "Too many complaints from this phone number; try again in an hour.",
        "اس فون نمبر سے بہت زیادہ شکایات آئی ہیں؛ ایک گھنٹے بعد دوبارہ "
        "کوشش کریں۔"),
    'utf8': (
        "The request is not valid UTF-8 text.",
        "درخواست درست UTF-8 متن نہیں ہے۔"),
    'json': (
        "The request is not a valid JSON object.",
        "درخواست درست JSON آبجیکٹ نہیں ہے۔"),
    'content_type': (
        "Send JSON, multipart/form-data or a URL-encoded form.",
        "JSON، multipart/form-data یا URL-encoded فارم بھیجیں۔"),
    'not_found': (
        "No complaint has this tracking number; check it and try again.",
        "اس ٹریکنگ نمبر کی کوئی شکایت نہیں ملی؛ نمبر چیک کر کے دوبارہ "
        "کوشش کریں۔"),
    'secret': (
        "Wrong or missing secret.",
        "خفیہ کلید غلط ہے یا موجود نہیں۔"),
    'feedback_refused': (
        "This complaint cannot be rated: it is not resolved, or it was "
        "already rated.",
        "اس شکایت کا درجہ نہیں دیا جا سکتا: یہ حل نہیں ہوئی، یا اس کا درجہ "
        "پہلے دیا جا چکا ہے۔"),
    'sms_filed': (
        "1129: your complaint is registered. Tracking number %(number)s.",
        "1129: آپ کی شکایت درج ہو گئی ہے۔ ٹریکنگ نمبر %(number)s۔"),
    'sms_status': (
        "1129: complaint %(number)s, status: %(status)s.",
        "1129: شکایت %(number)s، حیثیت: %(status)s۔"),
    }
FEEDBACK_FIELDS = {'satisfied', 'rating', 'comment'}
COMMENT_MAX = 2000


def message(code, language, **params):
    "The message of code in language (ur or en)"
    english, urdu = MESSAGES[code]
    return (urdu if language == 'ur' else english) % params


class _Invalid(ValueError):
    def __init__(self, code, **params):
        super().__init__(code)
        self.code, self.params = code, params


def _text(value, multiline=False):
    "Return value stripped, None when empty; refuse what is not text"
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Invalid('not_text')
    value = value.replace('\r\n', '\n').strip()
    for char in value:
        if char in '\n\t':
            if char == '\n' and not multiline:
                raise _Invalid('one_line')
        elif unicodedata.category(char) in CONTROL:
            raise _Invalid('control')
    return value or None


def _bounded(value, maximum, minimum=0, multiline=False):
    value = _text(value, multiline=multiline)
    if value is None:
        return None
    if len(value) < minimum:
        raise _Invalid('too_short', min=minimum)
    if len(value) > maximum:
        raise _Invalid('too_long', max=maximum, length=len(value))
    return value


def _boolean(value):
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in BOOLEANS:
        return BOOLEANS[value.strip().lower()]
    raise _Invalid('boolean')


def _code(value):
    value = _text(value)
    if value is not None and not CODE.match(value):
        raise _Invalid('code')
    return value


def _incident_at(value, now):
    value = _text(value)
    if value is None:
        return None
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _Invalid('date')
    if at.tzinfo is None:
        at = at.replace(tzinfo=PKT)
    at = at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if at > now + FUTURE:
        raise _Invalid('future')
    if at < EARLIEST:
        raise _Invalid('too_old')
    return at


def _file_name(name):
    name = os.path.basename((name or '').replace('\\', '/'))
    name = ''.join(c for c in name
        if unicodedata.category(c) not in CONTROL)
    return name.strip()[:FILE_NAME_MAX] or 'attachment'


def _attachments(files, language, errors):
    if len(files) > attachment.MAX_FILES:
        errors['attachments'] = message('too_many_files', language,
            max=attachment.MAX_FILES)
        return []
    accepted, problems = [], []
    for name, data in files:
        name = _file_name(name)
        try:
            mime = attachment.sniff(data)
        except attachment.Refused as refused:
            problems.append(message('file_%s' % refused.code, language,
                    file=name, max=attachment.MAX_SIZE // (1024 * 1024)))
            continue
        accepted.append((name, mime, data))
    if problems:
        errors['attachments'] = ' '.join(problems)
    return accepted


def validate(payload, files, language, channels=('web',), now=None):
    """Return (values, errors) of a complaint sent to the public API

    payload holds the fields as JSON or a form gives them, files the
    attachments as (name, data); language (ur or en) is the language of
    the errors; channels the channels the sender may use (web unless an
    officer sends it).  values is only complete when errors is empty."""
    language = language if language in LANGUAGES else 'en'
    now = now or dt.datetime.utcnow()
    values, errors = {}, {}
    if not isinstance(payload, dict):
        payload = {}
        errors['payload'] = message('required', language)

    def field(name, key, parse, *args):
        try:
            values[key] = parse(payload.get(name), *args)
        except _Invalid as invalid:
            values[key] = None
            errors[name] = message(invalid.code, language, **invalid.params)

    for name in sorted(set(payload) - FIELDS):
        errors[str(name)[:50]] = message('unknown_field', language)

    field('category', 'category_code', _text)
    if 'category' not in errors and values['category_code'] not in (
            CATEGORIES):
        if values['category_code'] is None:
            errors['category'] = message('required', language)
        else:
            errors['category'] = message('category', language,
                choices=', '.join(CATEGORIES))
    field('facility', 'facility_code', _code)
    field('district', 'district_code', _code)
    field('description', 'description', _bounded, DESCRIPTION_MAX,
        DESCRIPTION_MIN, True)
    if 'description' not in errors and values['description'] is None:
        errors['description'] = message('required', language)
    field('incident_at', 'incident_at', _incident_at, now)
    field('employee_name', 'employee_name', _bounded, NAME_MAX)
    field('name', 'complainant_name', _bounded, NAME_MAX)
    field('phone', 'phone', _text)
    if values['phone'] is not None:
        try:
            values['phone'] = normalise_mobile(values['phone'])
        except ValueError:
            errors['phone'] = message('phone', language)
    field('cnic', 'cnic', _text)
    if values['cnic'] is not None:
        values['cnic'] = normalise_cnic(values['cnic'])
        if values['cnic'] is None:
            errors['cnic'] = message('cnic', language)
    field('anonymous', 'anonymous', _boolean)
    field('callback_consent', 'callback_consent', _boolean)
    if values['anonymous'] and any(values[key] for key in (
                'complainant_name', 'phone', 'cnic')):
        errors['anonymous'] = message('anonymous', language)
    if values['callback_consent'] and not values['phone']:
        errors['callback_consent'] = message('callback_phone', language)
    field('language', 'language', _text)
    if values['language'] is None and 'language' not in errors:
        values['language'] = language
    elif values['language'] not in LANGUAGES:
        errors.setdefault('language', message('language', language))
    field('channel', 'channel', _text)
    if values['channel'] is None and 'channel' not in errors:
        values['channel'] = 'web'
    elif values['channel'] not in channels or (
            values['channel'] not in CHANNELS):
        errors.setdefault('channel', message('channel', language))
    values['attachments'] = _attachments(files, language, errors)
    return values, errors


def validate_feedback(payload, language):
    """Return (values, errors) of a citizen's rating: satisfied (bool),
    rating (1-5), comment (optional text)"""
    language = language if language in LANGUAGES else 'en'
    if not isinstance(payload, dict):
        return {}, {'payload': message('json', language)}
    values, errors = {}, {}
    for name in sorted(set(payload) - FEEDBACK_FIELDS):
        errors[str(name)[:50]] = message('unknown_field', language)
    satisfied = payload.get('satisfied')
    if satisfied is None:
        errors['satisfied'] = message('required', language)
    else:
        try:
            values['satisfied'] = _boolean(satisfied)
        except _Invalid:
            errors['satisfied'] = message('boolean', language)
    rating = payload.get('rating')
    if isinstance(rating, str) and rating.strip().isdigit():
        rating = int(rating.strip())
    if isinstance(rating, bool) or not isinstance(rating, int) or not (
            1 <= rating <= 5):
        errors['rating'] = message('rating', language)
    else:
        values['rating'] = rating
    try:
        values['comment'] = _bounded(payload.get('comment'), COMMENT_MAX,
            multiline=True)
    except _Invalid as invalid:
        errors['comment'] = message(invalid.code, language, **invalid.params)
    return values, errors
