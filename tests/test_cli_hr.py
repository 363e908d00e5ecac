# SPDX-License-Identifier: GPL-3.0-or-later
"""`bhmis import employees` as an HR administrator uses it."""
import datetime as dt

import openpyxl
import pytest

from tests.conftest import copy_instance

FACILITIES = (
    "code,name,type,district\n"
    "HR-Q1,Civil Hospital Quetta,civil,Quetta\n"
    "HR-K1,BHU Kech,bhu,Kech\n")
HEADER = ("personnel_number,cnic,name,father_name,gender,date_of_birth,"
    "domicile_district,cadre,designation,bps,employment_type,"
    "date_of_joining,facility_code,posting_start\n")


def employee(number, facility='HR-Q1', cnic='', joined='2018-03-01',
        birth='1990-05-01'):
    return ("%s,%s,Employee %s,,female,%s,Quetta,,MO,17,regular,%s,%s,\n"
        % (number, cnic, number, birth, joined, facility))


@pytest.fixture(scope='module')
def hr(tmp_path_factory, initialised_template):
    "An initialised database with two facilities"
    inst = copy_instance(tmp_path_factory, 'cli_hr', initialised_template)
    path = inst.var / 'facilities.csv'
    path.write_text(FACILITIES, encoding='utf-8')
    inst.bhmis('import', 'facilities', str(path))
    yield inst
    inst.drop()


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding='utf-8')
    return str(path)


def test_import_xlsx(hr, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(['personnel_number', 'cnic', 'name', 'gender',
            'date_of_birth', 'designation', 'bps', 'employment_type',
            'date_of_joining', 'facility_code'])
    sheet.append(['XL-1', 5440012345671, 'Ayesha Baloch', 'F',
            dt.datetime(1990, 5, 1), 'Women Medical Officer', 17, 'Regular',
            dt.datetime(2018, 3, 1), 'HR-Q1'])
    sheet.append(['XL-2', '54400-7654321-1', 'Karim Kakar', 'M',
            '12/11/1985', 'MO', 17, 'contract', '2015-07-01', 'hr-k1'])
    path = tmp_path / 'employees.xlsx'
    workbook.save(path)
    result = hr.bhmis('import', 'employees', str(path))
    assert '2 employees created, 0 updated' in result.stdout
    assert ("bhmis: warning: row 2, column facility_code: 1 Women Medical "
        "Officer beyond the sanctioned posts of HR-Q1") in result.stdout, \
        "no sanctioned posts yet"


def test_import_broken_csv_writes_nothing(hr, tmp_path):
    good = employee('BR-1') + employee('BR-2', facility='HR-K1')
    broken = (employee('BR-3', cnic='12345')
        + employee('BR-4', facility='HR-NOWHERE')
        + employee('BR-1')
        + employee('BR-5', birth='31/02/1990', joined='2018-13-01'))
    result = hr.bhmis('import', 'employees',
        write(tmp_path, 'bad.csv', HEADER + good + broken), check=False)
    assert result.returncode == 1, result.stdout
    assert 'nothing was written' in result.stderr
    for expected in [
            "row 4, column cnic: '12345' is not a CNIC",
            "row 5, column facility_code: unknown facility 'HR-NOWHERE'",
            "row 6, column personnel_number: BR-1 is already on row 2",
            "row 7, column date_of_birth: '31/02/1990' is not a date",
            "row 7, column date_of_joining: '2018-13-01' is not a date",
            ]:
        assert expected in result.stderr
    again = hr.bhmis('import', 'employees',
        write(tmp_path, 'good.csv', HEADER + good))
    assert '2 employees created, 0 updated' in again.stdout, \
        "nothing of the broken file was written"


def test_reimport_updates(hr, tmp_path):
    rows = "".join(employee('RE-%s' % n, facility='HR-K1')
        for n in range(1, 6))
    path = write(tmp_path, 'employees.csv', HEADER + rows)
    first = hr.bhmis('import', 'employees', path)
    assert '5 employees created, 0 updated' in first.stdout
    second = hr.bhmis('import', 'employees', path)
    assert '0 employees created, 5 updated' in second.stdout
    assert 'warning' not in second.stdout, "no new posting, no surplus"


def test_import_missing_column(hr, tmp_path):
    result = hr.bhmis('import', 'employees',
        write(tmp_path, 'e.csv', "personnel_number,name\nX,Y\n"),
        check=False)
    assert result.returncode == 1
    assert ("row 1, column designation: required column is missing"
        in result.stderr)


def kech_medical_officers(hr, output):
    hr.bhmis('report', 'vacancy', '--district', 'KECH',
        '--output', str(output))
    sheet = openpyxl.load_workbook(output).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert rows and all(row[0] == 'Kech' for row in rows), "Kech only"
    row, = [r for r in rows if r[1] == 'HR-K1 - BHU Kech'
        and r[3] == 'Medical Officer']
    return row[4:]


def test_report_vacancy_xlsx(hr, tmp_path):
    "bhmis report writes the vacancy report as a workbook managers open"
    hr.bhmis('import', 'employees', write(tmp_path, 'e.csv',
            HEADER + employee('RPT-1', facility='HR-K1')))
    before = kech_medical_officers(hr, tmp_path / 'before.xlsx')
    hr.bhmis('import', 'employees', write(tmp_path, 'e.csv',
            HEADER + employee('RPT-2', facility='HR-K1')))
    sanctioned, filled, vacant, surplus = kech_medical_officers(
        hr, tmp_path / 'after.xlsx')
    assert (sanctioned, vacant) == (0, 0), "no posts sanctioned at HR-K1"
    assert (filled, surplus) == (before[1] + 1, before[3] + 1)


def test_report_unknown_district(hr, tmp_path):
    result = hr.bhmis('report', 'staff-list', '--district', 'LAHORE',
        '--output', str(tmp_path / 'x.xlsx'), check=False)
    assert result.returncode == 1
    assert "no district with the code 'LAHORE'" in result.stderr
    assert not (tmp_path / 'x.xlsx').exists()


def test_report_unknown_name(hr):
    result = hr.bhmis('report', 'salaries', check=False)
    assert result.returncode == 2
    assert 'invalid choice' in result.stderr


def test_report_in_urdu(hr, tmp_path):
    "An Urdu reader gets the title, headers and values in Urdu, right to left"
    hr.bhmis('import', 'employees', write(tmp_path, 'e.csv',
            HEADER + employee('URD-1', facility='HR-K1')))
    output = tmp_path / 'staff.xlsx'
    hr.bhmis('report', 'staff-list', '--district', 'KECH', '--language',
        'ur', '--output', str(output))
    sheet = openpyxl.load_workbook(output).active
    assert sheet['A1'].value == 'عملے کی فہرست', sheet['A1'].value
    assert sheet.sheet_view.rightToLeft
    headers = [c.value for c in sheet[4]]
    assert headers[:3] == ['مرکزِ صحت', 'پرسنل نمبر', 'نام']
    row, = [[c.value for c in r] for r in sheet.iter_rows(min_row=5)
        if r[1].value == 'URD-1']
    assert row[7] == 'مستقل', "the employment type in Urdu: %s" % row[7]
