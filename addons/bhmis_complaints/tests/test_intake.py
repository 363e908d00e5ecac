# SPDX-License-Identifier: GPL-3.0-or-later
"""The public API's fields checked without the database: what is accepted,
how it is normalised, and each refusal named in English or Urdu."""
import datetime as dt
import io

import pytest
from PIL import Image

from bhmis_complaints.attachments import MAX_SIZE
from bhmis_complaints.intake import (
    CATEGORIES,
    message,
    validate,
    validate_feedback,
)

NOW = dt.datetime(2026, 3, 10, 12, 0)  # UTC
GOOD = {
    'category': 'medicine_unavailable', 'facility': 'QUETTA-BHU-001',
    'description': "No paracetamol at the dispensary for a week.",
    }
URDU = "ڈسپنسری میں ایک ہفتے سے پیراسیٹامول نہیں ہے۔"


def jpeg():
    buffer = io.BytesIO()
    Image.new('RGB', (20, 20), (0, 90, 0)).save(buffer, 'JPEG')
    return buffer.getvalue()


def check(payload=None, files=(), language='en', **kwargs):
    return validate(dict(GOOD, **(payload or {})), list(files), language,
        now=NOW, **kwargs)


def test_minimal_complaint():
    values, errors = check()
    assert errors == {}
    assert values == {
        'category_code': 'medicine_unavailable',
        'facility_code': 'QUETTA-BHU-001', 'district_code': None,
        'description': GOOD['description'], 'incident_at': None,
        'employee_name': None, 'complainant_name': None, 'phone': None,
        'cnic': None, 'anonymous': False, 'callback_consent': False,
        'language': 'en', 'channel': 'web', 'attachments': [],
        }


def test_everything_given_is_normalised():
    values, errors = check({
            'district': 'QUETTA', 'incident_at': '2026-03-09T14:30',
            'employee_name': " Dr. Akbar ", 'name': "Gul Bibi",
            'phone': '0300-1234567', 'cnic': '54400 1234567 1',
            'anonymous': 'false', 'callback_consent': 'on',
            'language': 'ur', 'description': "  %s  " % URDU,
            }, files=[('C:\\Users\\gul\\receipt.JPG', jpeg())])
    assert errors == {}
    assert values['incident_at'] == dt.datetime(2026, 3, 9, 9, 30), (
        "a time without offset is Pakistan's, stored in UTC")
    assert values['employee_name'] == "Dr. Akbar"
    assert values['phone'] == '+923001234567'
    assert values['cnic'] == '54400-1234567-1'
    assert values['callback_consent'] is True
    assert values['language'] == 'ur'
    assert values['description'] == URDU
    (name, mime, data), = values['attachments']
    assert (name, mime) == ('receipt.JPG', 'image/jpeg')


def test_every_category_accepted():
    for category in CATEGORIES:
        assert check({'category': category})[1] == {}
    assert len(CATEGORIES) == 10


def test_neither_facility_nor_district_is_not_sure():
    values, errors = check({'facility': None})
    assert errors == {}
    assert values['facility_code'] is values['district_code'] is None


def test_html_kept_as_text():
    script = "<script>alert('x')</script> <b>no</b> medicine & no doctor"
    values, errors = check({'description': script, 'name': '<i>Ali</i>',
            'employee_name': '"><img src=x onerror=alert(1)>'})
    assert errors == {}
    assert values['description'] == script
    assert values['complainant_name'] == '<i>Ali</i>'
    assert values['employee_name'] == '"><img src=x onerror=alert(1)>'


@pytest.mark.parametrize('payload, field, english', [
    ({'category': None}, 'category', "required"),
    ({'category': 'ghosts'}, 'category', "Unknown category"),
    ({'description': ''}, 'description', "required"),
    ({'description': '   \n  '}, 'description', "required"),
    ({'description': 'too short'}, 'description', "at least 10"),
    ({'description': 'x' * 100_000}, 'description',
        "at most 5000 characters (100000 given)"),
    ({'description': 42}, 'description', "must be text"),
    ({'description': "bad \x00 byte here"}, 'description', "not text"),
    ({'description': "lone \ud800 surrogate"}, 'description', "not text"),
    ({'name': "Ali\nKhan"}, 'name', "one line"),
    ({'name': 'x' * 201}, 'name', "at most 200"),
    ({'facility': 'QUETTA BHU 001'}, 'facility', "valid code"),
    ({'district': ['QUETTA']}, 'district', "must be text"),
    ({'incident_at': 'yesterday'}, 'incident_at', "ISO 8601"),
    ({'incident_at': '2026-03-11T12:00'}, 'incident_at', "future"),
    ({'incident_at': '1999-12-31'}, 'incident_at', "too far"),
    ({'phone': '081-2836471'}, 'phone', "mobile"),
    ({'phone': 'call me'}, 'phone', "mobile"),
    ({'cnic': '12345-123456-1'}, 'cnic', "13 digits"),
    ({'cnic': 'ABCDE-1234567-1'}, 'cnic', "13 digits"),
    ({'anonymous': True, 'phone': '03001234567'}, 'anonymous',
        "no name, phone or CNIC"),
    ({'anonymous': 'maybe'}, 'anonymous', "true or false"),
    ({'callback_consent': True}, 'callback_consent', "phone number"),
    ({'language': 'fr'}, 'language', "ur or en"),
    ({'channel': 'phone'}, 'channel', "web only"),
    ({'channel': 'pigeon'}, 'channel', "web only"),
    ({'phone_number': '03001234567'}, 'phone_number', "Unknown field"),
    ])
def test_refused_field(payload, field, english):
    values, errors = check(payload)
    assert list(errors) == [field], errors
    assert english in errors[field]
    urdu = check(payload, language='ur')[1][field]
    assert urdu != errors[field]
    assert any('\u0600' <= c <= '\u06ff' for c in urdu), urdu


def test_officer_may_give_other_channels():
    values, errors = check({'channel': 'phone'},
        channels=('web', 'phone', 'walk_in'))
    assert errors == {}
    assert values['channel'] == 'phone'


def test_language_defaults_to_the_request():
    assert check(language='ur')[0]['language'] == 'ur'
    assert check(language='de')[0]['language'] == 'en'


def test_time_with_offset():
    values, errors = check({'incident_at': '2026-03-09T10:00:00+00:00'})
    assert values['incident_at'] == dt.datetime(2026, 3, 9, 10, 0)


def test_several_errors_at_once():
    values, errors = check({'category': 'x', 'description': '',
            'phone': '12'})
    assert set(errors) == {'category', 'description', 'phone'}


@pytest.mark.parametrize('files, english', [
    ([('virus.jpg', b'MZ\x90\x00' + b'\x00' * 100)],
        "virus.jpg is not a JPEG, PNG or PDF"),
    ([('empty.png', b'')], "empty.png is empty"),
    ([('big.pdf', b'%PDF-1.4\n' + b' ' * MAX_SIZE + b'%%EOF')],
        "big.pdf is larger than 5 MiB"),
    ([('a.jpg', jpeg())] * 4, "at most 3 files"),
    ])
def test_refused_attachments(files, english):
    values, errors = check(files=files)
    assert list(errors) == ['attachments']
    assert english in errors['attachments']
    urdu = check(files=files, language='ur')[1]['attachments']
    assert any('\u0600' <= c <= '\u06ff' for c in urdu), urdu
    if len(files) == 1:
        assert files[0][0] in urdu, "the file is named in Urdu too"


def test_three_attachments_accepted():
    values, errors = check(files=[('a.jpg', jpeg())] * 3)
    assert errors == {}
    assert len(values['attachments']) == 3


def test_not_an_object():
    values, errors = validate(['a list'], [], 'en', now=NOW)
    assert 'payload' in errors


def test_messages_have_both_languages():
    assert message('required', 'en') == "This field is required."
    assert message('required', 'ur') != message('required', 'en')


def test_feedback_accepted():
    values, errors = validate_feedback({'satisfied': False, 'rating': '2',
            'comment': " Still <b>no</b> ORS.\n"}, 'en')
    assert errors == {}
    assert values == {'satisfied': False, 'rating': 2,
        'comment': "Still <b>no</b> ORS."}
    values, errors = validate_feedback({'satisfied': 'true', 'rating': 5},
        'en')
    assert (values['satisfied'], values['comment']) == (True, None)


@pytest.mark.parametrize('payload, field, english', [
    ({'rating': 5}, 'satisfied', "required"),
    ({'satisfied': 'perhaps', 'rating': 5}, 'satisfied', "true or false"),
    ({'satisfied': True}, 'rating', "1 to 5"),
    ({'satisfied': True, 'rating': 0}, 'rating', "1 to 5"),
    ({'satisfied': True, 'rating': 6}, 'rating', "1 to 5"),
    ({'satisfied': True, 'rating': 4.5}, 'rating', "1 to 5"),
    ({'satisfied': True, 'rating': True}, 'rating', "1 to 5"),
    ({'satisfied': True, 'rating': 3, 'comment': 'x' * 2001}, 'comment',
        "at most 2000"),
    ({'satisfied': True, 'rating': 3, 'comment': 'a\x07b'}, 'comment',
        "not text"),
    ({'satisfied': True, 'rating': 3, 'stars': 3}, 'stars',
        "Unknown field"),
    ])
def test_feedback_refused(payload, field, english):
    values, errors = validate_feedback(payload, 'en')
    assert list(errors) == [field]
    assert english in errors[field]
    urdu = validate_feedback(payload, 'ur')[1][field]
    assert any('\u0600' <= c <= '\u06ff' for c in urdu), urdu


def test_feedback_not_an_object():
    assert 'payload' in validate_feedback([5], 'en')[1]
