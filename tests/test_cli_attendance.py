# SPDX-License-Identifier: GPL-3.0-or-later
"""`bhmis attendance ...` and the attendance reports of `bhmis report`, as
an administrator uses them, on a small demo of this module's own (served,
to check the results over RPC as the back office shows them).

Run: python -m pytest tests/test_cli_attendance.py
"""
import datetime as dt
import re
from types import SimpleNamespace

import openpyxl
import pytest
from PIL import Image
from skimage import data

from tests.conftest import copy_instance
from tests.test_attendance_api import API, from_rpc, utc_now

FACILITY = 'QUETTA-CIVIL-001'
FIRST_ROW = 5   # of a report: title, subtitle, blank, header, rows


@pytest.fixture(scope='module')
def demo(tmp_path_factory, demo_template):
    inst = copy_instance(tmp_path_factory, 'cli_attendance', demo_template)
    try:
        inst.serve()
        yield inst
    finally:
        inst.drop()


@pytest.fixture(scope='module')
def admin(demo):
    return demo.rpc()


@pytest.fixture(scope='module')
def photos(tmp_path_factory):
    folder = tmp_path_factory.mktemp('photos')
    paths = SimpleNamespace()
    for name in ['astronaut', 'coffee']:
        path = folder / ('%s.png' % name)
        Image.fromarray(getattr(data, name)()).save(path)
        setattr(paths, name, str(path))
    return paths


@pytest.fixture(scope='module')
def staff(admin):
    "Two active employees of FACILITY"
    return [SimpleNamespace(id=e['id'], name=e['party.']['name'],
            number=e['personnel_number'])
        for e in admin.model('company.employee', 'search_read',
            [('facility.code', '=', FACILITY), ('hr_status', '=', 'active')],
            0, 2, [('id', 'ASC')], ['personnel_number', 'party.name'])]


@pytest.fixture(scope='module')
def enrolled(demo, staff, photos):
    "`bhmis attendance enrol` of the astronaut for the first employee"
    return demo.bhmis('attendance', 'enrol', '--employee', staff[0].number,
        photos.astronaut, check=False)


def count(admin, model, domain=()):
    return admin.model(model, 'search_count', list(domain))


def to_rpc(day):
    return {'__class__': 'date', 'year': day.year, 'month': day.month,
        'day': day.day}


def rows(path):
    sheet = openpyxl.load_workbook(path).active
    return [[cell.value for cell in row]
        for row in sheet.iter_rows(min_row=FIRST_ROW)]


def header(path):
    sheet = openpyxl.load_workbook(path).active
    return [cell.value for cell in sheet[FIRST_ROW - 1]]


# Devices ---------------------------------------------------------------

def test_device_add_unknown_facility(demo, admin):
    before = count(admin, 'bhmis.attendance.device')
    result = demo.bhmis('attendance', 'device-add', '--facility',
        'NOWHERE-001', check=False)
    assert result.returncode == 1
    assert "no facility with the code 'NOWHERE-001'" in result.stderr
    assert 'Device key' not in result.stdout
    assert count(admin, 'bhmis.attendance.device') == before


def device_add(demo, *options):
    result = demo.bhmis('attendance', 'device-add', '--facility', FACILITY,
        *options)
    code = re.search(r'^Device: (\S+)$', result.stdout, re.M)
    key = re.search(r'^Device key \(shown once; keep it secret\): (\S+)$',
        result.stdout, re.M)
    assert code and key, result.stdout
    assert result.stdout.count(key.group(1)) == 1
    return code.group(1), key.group(1)


def test_device_add_and_revoke(demo, admin):
    kiosk, kiosk_key = device_add(demo)
    phone, phone_key = device_add(demo, '--kind', 'phone', '--liveness',
        'off')
    assert kiosk != phone and kiosk_key != phone_key
    assert len(kiosk_key) >= 40, "256 random bits"
    devices = {d['code']: d for d in admin.model('bhmis.attendance.device',
            'search_read', [('code', 'in', [kiosk, phone])], 0, None, None,
            ['code', 'kind', 'liveness', 'facility.code'])}
    assert {code: (d['kind'], bool(d['liveness']), d['facility.']['code'])
        for code, d in devices.items()} == {
        kiosk: ('kiosk', True, FACILITY), phone: ('phone', False, FACILITY)}

    result = demo.bhmis('attendance', 'device-revoke', phone)
    assert 'device %s revoked' % phone in result.stdout
    revoked = admin.model('bhmis.attendance.device', 'search_read',
        [('code', '=', phone), ('active', '=', False)], 0, None, None,
        ['revoked_at'])
    assert len(revoked) == 1 and revoked[0]['revoked_at']
    again = demo.bhmis('attendance', 'device-revoke', phone, check=False)
    assert again.returncode == 1
    assert "no active device with the code %r" % phone in again.stderr
    assert count(admin, 'bhmis.attendance.device',
        [('code', '=', kiosk)]) == 1, "the other device is untouched"
    api = API(demo)
    assert checkin_status(api, phone_key) == (401, 'unauthorized')
    assert checkin_status(api, kiosk_key) == (400, 'bad_request')

    # A new key for the revoked phone: the old one stays refused
    result = demo.bhmis('attendance', 'device-key', phone)
    key = re.search(r'^Device key \(shown once; keep it secret\): (\S+)$',
        result.stdout, re.M)
    assert key and key.group(1) != phone_key, result.stdout
    assert count(admin, 'bhmis.attendance.device',
        [('code', '=', phone)]) == 1, "active again"
    assert checkin_status(api, key.group(1)) == (400, 'bad_request')
    assert checkin_status(api, phone_key) == (401, 'unauthorized')
    unknown = demo.bhmis('attendance', 'device-key', 'KNOTADEVICE',
        check=False)
    assert unknown.returncode == 1
    assert "no device with the code 'KNOTADEVICE'" in unknown.stderr


def checkin_status(api, key):
    "The status and reason of a check-in without photo: 401 or 400"
    reply = api.checkin(key, [], utc_now())
    return reply.status, reply.json['reason']


# Enrolment -------------------------------------------------------------

def test_enrol_missing_file(demo, admin, staff, tmp_path):
    missing = tmp_path / 'nobody.jpg'
    result = demo.bhmis('attendance', 'enrol', '--employee',
        staff[1].number, str(missing), check=False)
    assert result.returncode == 1
    assert '%s: no such file' % missing in result.stderr
    assert count(admin, 'bhmis.attendance.face',
        [('employee', '=', staff[1].id)]) == 0


def test_enrol_no_face(demo, admin, staff, photos):
    result = demo.bhmis('attendance', 'enrol', '--employee',
        staff[1].number, photos.coffee, check=False)
    assert result.returncode == 1
    assert 'No face was found in photo 1' in result.stderr
    assert 'nothing was written' in result.stderr
    assert count(admin, 'bhmis.attendance.face',
        [('employee', '=', staff[1].id)]) == 0


def test_enrol_unknown_employee(demo, admin, photos):
    before = count(admin, 'bhmis.attendance.face')
    result = demo.bhmis('attendance', 'enrol', '--employee', 'NOBODY-1',
        photos.astronaut, check=False)
    assert result.returncode == 1
    assert "no employee with the personnel number 'NOBODY-1'" in (
        result.stderr)
    assert count(admin, 'bhmis.attendance.face') == before


def test_enrol(admin, staff, enrolled):
    her = staff[0]
    assert enrolled.returncode == 0, enrolled.stderr
    assert enrolled.stdout.strip() == 'Enrolled 1 photo(s) of %s (%s)' % (
        her.name, her.number)
    assert count(admin, 'bhmis.attendance.face',
        [('employee', '=', her.id)]) == 1


def test_enrol_same_face_for_another(demo, admin, staff, photos, enrolled):
    her, other = staff
    result = demo.bhmis('attendance', 'enrol', '--employee', other.number,
        photos.astronaut, check=False)
    assert result.returncode == 1
    assert 'not enrolled' in result.stderr
    assert 'matches the enrolled face of "%s"' % her.name in result.stderr
    flags = admin.model('bhmis.attendance.duplicate_flag', 'search_read',
        [('employee', '=', other.id)], 0, None, None, ['other', 'count'])
    assert [(f['other'], f['count']) for f in flags] == [(her.id, 1)]
    assert count(admin, 'bhmis.attendance.face',
        [('employee', '=', other.id)]) == 0


# Daily attendance and reports ------------------------------------------

def test_compute_daily(demo, admin):
    "A day before the demo's two weeks of punches: nobody came"
    day = dt.date.today() - dt.timedelta(days=20)
    employees = count(admin, 'company.employee',
        [('hr_status', '=', 'active'), ('facility', '!=', None)])
    domain = [('date', '=', to_rpc(day))]
    # Publishing the demo's roster computed the days of its facility only
    assert count(admin, 'bhmis.attendance.day', domain) < employees
    result = demo.bhmis('attendance', 'compute-daily', '--date',
        day.isoformat())
    assert result.stdout.strip() == (
        'bhmis: daily attendance of %s computed for %s employees'
        % (day, employees))
    days = admin.model('bhmis.attendance.day', 'search_read', domain, 0,
        None, None, ['status'])
    assert len(days) == employees
    assert {d['status'] for d in days} <= {
        'absent', 'off_duty', 'on_leave', 'holiday'}
    assert 'absent' in {d['status'] for d in days}
    again = demo.bhmis('attendance', 'compute-daily', '--date',
        day.isoformat())
    assert again.stdout == result.stdout
    assert count(admin, 'bhmis.attendance.day', domain) == employees


@pytest.fixture(scope='module')
def daily_report(demo, tmp_path_factory):
    "`bhmis report attendance-daily` of a day of the demo, recomputed"
    day = dt.date.today() - dt.timedelta(days=3)
    demo.bhmis('attendance', 'compute-daily', '--date', day.isoformat())
    output = tmp_path_factory.mktemp('daily') / 'daily.xlsx'
    result = demo.bhmis('report', 'attendance-daily', '--date',
        day.isoformat(), '--output', str(output))
    assert str(output) in result.stdout
    return day, output


def test_report_attendance_daily(admin, daily_report):
    "A day of the demo: its employees with their statuses"
    day, output = daily_report
    labels = dict(admin.model('bhmis.attendance.day', 'fields_get',
            ['status'])['status']['selection'])
    expected = sorted((d['employee.']['personnel_number'],
            labels[d['status']])
        for d in admin.model('bhmis.attendance.day', 'search_read',
            [('date', '=', to_rpc(day))], 0, None, None,
            ['status', 'employee.personnel_number']))
    columns = header(output)
    assert (columns[1], columns[4]) == ('Personnel Number', 'Status')
    found = sorted((row[1], row[4]) for row in rows(output))
    assert found == expected
    assert {'Present', 'Absent'} <= {status for _, status in found}


def test_report_attendance_daily_times(admin, daily_report):
    """The First In column shows when each person arrived, in Quetta's
    time (UTC+5), as a date and time"""
    day, output = daily_report
    arrivals = {line['employee.']['personnel_number']:
            from_rpc(line['at']) + dt.timedelta(hours=5)
        for line in admin.model('attendance.line', 'search_read',
            [('date', '=', to_rpc(day)), ('type', '=', 'in')], 0, None,
            None, ['employee.personnel_number', 'at'])}
    sheet = openpyxl.load_workbook(output).active
    came = [row for row in sheet.iter_rows(min_row=FIRST_ROW)
        if row[4].value in {'Present', 'Late', 'Left Early'}]
    assert came
    assert {row[1].value: row[5].value for row in came} == {
        row[1].value: arrivals[row[1].value] for row in came}
    assert all('h' in row[5].number_format.lower() for row in came), \
        "shown with its time: %s" % came[0][5].number_format


def test_report_absenteeism(demo, admin, tmp_path):
    day = dt.date.today() - dt.timedelta(days=3)
    month = day.strftime('%Y-%m')
    output = tmp_path / 'absenteeism.xlsx'
    demo.bhmis('report', 'absenteeism', '--month', month, '--output',
        str(output))
    records = admin.model('bhmis.attendance.absenteeism', 'search_read',
        [('month', '=', to_rpc(day.replace(day=1)))], 0, None, None,
        ['employee.rec_name', 'expected', 'absent'])
    assert records
    found = rows(output)
    employees = sorted((r[2], r[3], r[7]) for r in found if r[2] != 'Total')
    assert employees == sorted((r['employee.']['rec_name'], r['expected'],
            r['absent']) for r in records)
    totals = {(r[0], r[1]): r for r in found if r[2] == 'Total'}
    assert {'Quetta', 'Pishin'} == {district for district, facility
        in totals if facility == 'All facilities'}
    assert sum(r[7] for (_, facility), r in totals.items()
        if facility == 'All facilities') == sum(r['absent'] for r in records)



def test_report_absenteeism_in_urdu(demo, tmp_path):
    "Urdu headers, totals and title for an Urdu reader"
    month = (dt.date.today() - dt.timedelta(days=3)).strftime('%Y-%m')
    output = tmp_path / 'absenteeism-ur.xlsx'
    demo.bhmis('report', 'absenteeism', '--month', month, '--language',
        'ur', '--output', str(output))
    sheet = openpyxl.load_workbook(output).active
    assert sheet['A1'].value == 'ماہانہ غیر حاضری', sheet['A1'].value
    assert header(output)[:4] == ['ضلع', 'مرکزِ صحت', 'ملازم', 'متوقع دن']
    totals = [r for r in rows(output) if r[2] == 'کل']
    assert totals and any(r[1] == 'تمام مراکزِ صحت' for r in totals)

def enrolment_rows(demo, path, *options):
    demo.bhmis('report', 'enrolment', '--output', str(path), *options)
    return rows(path)


def test_report_enrolment(demo, admin, staff, enrolled, tmp_path):
    assert enrolled.returncode == 0
    active = count(admin, 'company.employee', [
            ('facility.code', '=', FACILITY), ('hr_status', '=', 'active')])
    found = enrolment_rows(demo, tmp_path / 'enrolment.xlsx')
    civil, = [r for r in found if r[1].startswith(FACILITY)]
    assert civil[2:] == [active, 1, round(100.0 / active, 1)]
    quetta, = [r for r in found if r[:2] == ['Quetta', 'All facilities']]
    assert quetta[3] == 1
    assert all(r[3] == 0 for r in found if r not in (civil, quetta)), \
        "nobody else enrolled"


def test_report_enrolment_of_a_dho(demo, admin, enrolled, tmp_path):
    "Under the record rules of the DHO of Pishin: Pishin only"
    user, = admin.model('res.user', 'search', [('login', '=', 'dho.pishin')],
        0, None, None)
    found = enrolment_rows(demo, tmp_path / 'pishin.xlsx', '--user-id',
        str(user))
    assert found
    assert {r[0] for r in found} == {'Pishin'}
    assert not any('QUETTA' in r[1].upper() for r in found)


def test_report_bad_month(demo, tmp_path):
    output = tmp_path / 'x.xlsx'
    result = demo.bhmis('report', 'absenteeism', '--month', '2026-13',
        '--output', str(output), check=False)
    assert result.returncode == 2
    assert "expected YYYY-MM: '2026-13'" in result.stderr
    assert not output.exists()
