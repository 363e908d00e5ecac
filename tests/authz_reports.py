# SPDX-License-Identifier: GPL-3.0-or-later
"""The back office's report wizards, as the authorization suite runs them:
found on the server, run over JSON-RPC as a role would from Reports ›
(a file of XLSX tables), and their files read back.

A report wizard is a wizard whose start form offers a `report` selection
(bhmis_hr, bhmis_attendance, bhmis_inventory: `<wizard>.start`) and whose
result form holds the `file`."""
import base64
import io
from dataclasses import dataclass

import openpyxl

from tests.authz import Answer, error_message
from tests.rpc import RPCError

# The header row of every sheet (bhmis_base.xlsx: title, subtitle, blank)
HEADER_ROW = 4
# The columns naming where a row comes from, in English, and the one
# naming the employee a row stands for
DISTRICT, FACILITY, PERSON = 'District', 'Facility', 'Personnel Number'
# What a total row prints instead of a facility (bhmis_attendance's
# all_facilities column label)
TOTALS = {'All facilities'}


def report_wizards(admin):
    """{wizard: [report keys]} of the report wizards on the server"""
    starts = [m['name'] for m in admin.model('ir.model', 'search_read',
            [('name', 'like', 'bhmis.%.start')], 0, None, None, ['name'])]
    found = {}
    for start in starts:
        fields = admin.model(start, 'fields_get', ['report'])
        report = fields.get('report')
        if not report or report['type'] != 'selection':
            continue
        found[start[:-len('.start')]] = [
            key for key, _ in report['selection'] if key]
    return found


@dataclass
class Run:
    """What running one report of a wizard gave: a file's tables, or how
    the server refused (an Answer)"""
    tables: list = None
    refusal: Answer = None


def refused(error):
    return Run(refusal=Answer(status=error.status,
            message=error_message(error.body)))


def run_report(client, wizard, report, values=None):
    """Run report of wizard as the client's user, every filter left empty
    (everything the user may see), the start form's defaults kept but for
    values"""
    def call(method, *args):
        return client.call('wizard.%s.%s' % (wizard, method), *args,
            client.context)
    try:
        session, start, _ = call('create')
    except RPCError as error:
        return refused(error)
    try:
        view = call('execute', session, {}, start)['view']
        values = dict(view.get('defaults') or {}, **(values or {}))
        values.update(report=report, district=None, facility=None)
        result = call('execute', session, {start: values},
            _create_button(view))['view']
        data = (result.get('defaults') or {})['file']
    except RPCError as error:
        return refused(error)
    finally:
        try:
            call('delete', session)
        except RPCError:
            pass
    return Run(tables=read_tables(_bytes(data)))


def _create_button(view):
    "The state of the start form's default button (Create)"
    buttons = view.get('buttons') or []
    default = [b for b in buttons if b.get('default')]
    return (default or buttons[-1:])[0]['state']


def _bytes(value):
    if isinstance(value, dict) and value.get('__class__') == 'bytes':
        return base64.b64decode(value['base64'])
    if isinstance(value, str):
        return base64.b64decode(value)
    return bytes(value)


def read_tables(data):
    "[(sheet title, [row as {header: value}])] of an XLSX file's sheets"
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    tables = []
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(min_row=HEADER_ROW, values_only=True))
        if not rows:
            tables.append((sheet.title, []))
            continue
        header = [str(h) if h is not None else '' for h in rows[0]]
        tables.append((sheet.title, [dict(zip(header, r)) for r in rows[1:]
                    if any(v not in (None, '') for v in r)]))
    return tables


class Places:
    """The districts and facilities as the administrator reads them, to
    tell where a report's row comes from by the names it prints"""

    def __init__(self, admin):
        self.districts = {}
        for d in admin.model('bhmis.district', 'search_read', [], 0, None,
                None, ['name', 'rec_name', 'code']):
            for name in {d['name'], d['rec_name'], d['code']}:
                self.districts[name] = d['id']
        self.facilities, self.facility_district = {}, {}
        for f in admin.model('bhmis.facility', 'search_read', [], 0, None,
                None, ['name', 'rec_name', 'code', 'district']):
            for name in {f['name'], f['rec_name'], f['code']}:
                self.facilities[name] = f['id']
            self.facility_district[f['id']] = f['district']
        self.employees = {e['personnel_number']: e['id']
            for e in admin.model('company.employee', 'search_read', [], 0,
                None, None, ['personnel_number'])}

    def employee(self, row):
        "The employee id a row stands for, or None"
        return self.employees.get(row.get(PERSON))

    def of_row(self, row):
        """(district ids, facility ids, unknown names) a row names in its
        District and Facility columns"""
        districts, facilities, unknown = set(), set(), []
        value = row.get(DISTRICT)
        if value not in (None, ''):
            if value in self.districts:
                districts.add(self.districts[value])
            else:
                unknown.append(value)
        value = row.get(FACILITY)
        if value not in (None, '', *TOTALS):
            if value in self.facilities:
                facility = self.facilities[value]
                facilities.add(facility)
                districts.add(self.facility_district[facility])
            else:
                unknown.append(value)
        return districts, facilities, unknown
