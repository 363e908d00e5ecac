# SPDX-License-Identifier: GPL-3.0-or-later
"""Import of facilities from CSV or XLSX: all rows valid, or nothing written.

Re-importing a file updates facilities by code and creates no duplicates.
"""
from dataclasses import dataclass, field

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import FacilityImportError
from .facility import DHIS2_UID, FACILITY_TYPES, STATUSES
from .geo import gps_problem, inside_province
from .problem import ImportWizardMixin, problem_text
from .tabular import Problem, TableError, read_table

COLUMNS = ('code', 'name', 'name_ur', 'type', 'district', 'tehsil',
    'latitude', 'longitude', 'catchment_population', 'beds', 'open_24_7',
    'status', 'dhis2_uid')
REQUIRED = ('code', 'name', 'type', 'district')
TYPES = {t for t, _ in FACILITY_TYPES}
STATUS_VALUES = {s for s, _ in STATUSES}
TRUE, FALSE = {'1', 'yes', 'y', 'true', 't'}, {'0', 'no', 'n', 'false', 'f'}


@dataclass
class Checked:
    "Validated rows ready to write, and what is worth telling the user"
    values: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def _number(text, kind, row, column, problems, minimum=None):
    if text == '':
        return None
    try:
        value = kind(text)
    except ValueError:
        problems.append(Problem(row, column,
                'not_whole_number' if kind is int else 'not_number',
                {'value': text}))
        return None
    if minimum is not None and value < minimum:
        problems.append(Problem(row, column, 'below_minimum',
                {'minimum': minimum}))
    return value


def check_rows(records, districts, tehsils, allowed_districts=None):
    """Validate facility rows; return Checked or raise TableError.

    districts maps a lower-case district name or code to its id; tehsils
    maps (district id, lower-case name or code) to an id.
    allowed_districts, when given, is the set of district ids the importing
    user may write to.
    """
    checked, problems, codes = Checked(), [], {}
    for row, record in records:
        values = {'code': record['code'], 'name': record['name']}
        if record['code'] in codes:
            problems.append(Problem(row, 'code', 'code_twice',
                    {'code': record['code'], 'row': codes[record['code']]}))
        codes[record['code']] = row
        if record.get('name_ur'):
            values['name_ur'] = record['name_ur']
        kind = record['type'].lower()
        if kind not in TYPES:
            problems.append(Problem(row, 'type', 'unknown_type', {
                        'value': record['type'],
                        'expected': ", ".join(sorted(TYPES))}))
        values['type'] = kind
        district = districts.get(record['district'].lower())
        if district is None:
            problems.append(Problem(row, 'district', 'unknown_district',
                    {'value': record['district']}))
        elif (allowed_districts is not None
                and district not in allowed_districts):
            problems.append(Problem(row, 'district', 'district_not_yours',
                    {'value': record['district']}))
        values['district'] = district
        if record.get('tehsil'):
            tehsil = tehsils.get((district, record['tehsil'].lower()))
            if tehsil is None:
                problems.append(Problem(row, 'tehsil', 'unknown_tehsil', {
                            'value': record['tehsil'],
                            'district': record['district']}))
            values['tehsil'] = tehsil
        _check_numbers(row, record, values, problems, checked)
        _check_flags(row, record, values, problems)
        checked.values.append(values)
    if problems:
        raise TableError(problems)
    return checked


def _check_numbers(row, record, values, problems, checked):
    latitude = _number(
        record.get('latitude', ''), float, row, 'latitude', problems)
    longitude = _number(
        record.get('longitude', ''), float, row, 'longitude', problems)
    problem = gps_problem(latitude, longitude)
    if problem:
        problems.append(Problem(row, 'latitude/longitude', problem))
    elif not inside_province(latitude, longitude):
        checked.warnings.append(Problem(row, 'latitude/longitude',
                'outside_province',
                {'latitude': latitude, 'longitude': longitude}))
    values['latitude'], values['longitude'] = latitude, longitude
    for name in ('catchment_population', 'beds'):
        if record.get(name, '') != '':
            values[name] = _number(
                record[name], int, row, name, problems, minimum=0)


def _check_flags(row, record, values, problems):
    flag = record.get('open_24_7', '').lower()
    if flag:
        if flag not in TRUE | FALSE:
            problems.append(Problem(row, 'open_24_7', 'not_yes_no',
                    {'value': record['open_24_7']}))
        values['open_24_7'] = flag in TRUE
    status = record.get('status', '').lower().replace('-', '_')
    if status:
        if status not in STATUS_VALUES:
            problems.append(Problem(row, 'status', 'unknown_status', {
                        'value': record['status'],
                        'expected': ", ".join(sorted(STATUS_VALUES))}))
        values['status'] = status
    uid = record.get('dhis2_uid', '')
    if uid:
        if not DHIS2_UID.match(uid):
            problems.append(Problem(row, 'dhis2_uid', 'not_dhis2_uid',
                    {'value': uid}))
        values['dhis2_uid'] = uid


def _lookups():
    pool = Pool()
    District = pool.get('bhmis.district')
    Tehsil = pool.get('bhmis.tehsil')
    districts, tehsils = {}, {}
    for district in District.search([]):
        districts[district.name.lower()] = district.id
        districts[district.code.lower()] = district.id
    for tehsil in Tehsil.search([]):
        tehsils[(tehsil.district.id, tehsil.name.lower())] = tehsil.id
        tehsils[(tehsil.district.id, tehsil.code.lower())] = tehsil.id
    return districts, tehsils


def import_facilities(data, filename=None):
    """Create or update facilities from the file, all or nothing.

    Return (created, updated, warnings); raise FacilityImportError.
    """
    pool = Pool()
    Facility = pool.get('bhmis.facility')
    User = pool.get('res.user')
    unrestricted, user_districts, _ = User.get_bhmis_scope()
    districts, tehsils = _lookups()
    try:
        records = read_table(data, filename, COLUMNS, REQUIRED)
        checked = check_rows(records, districts, tehsils,
            allowed_districts=None if unrestricted else set(user_districts))
    except TableError as exception:
        raise FacilityImportError(gettext(
                'bhmis_base.msg_facility_import_invalid',
                problems="\n".join(map(problem_text, exception.problems))),
            problems=exception.problems)

    existing = {f.code: f for f in Facility.search(
            [('code', 'in', [v['code'] for v in checked.values])])}
    if not unrestricted:
        # An officer updates only the facilities of their districts
        foreign = sorted(code for code, f in existing.items()
            if f.district.id not in user_districts)
        if foreign:
            problems = [Problem(None, 'code', 'facility_not_yours',
                    {'value': code}) for code in foreign]
            raise FacilityImportError(gettext(
                    'bhmis_base.msg_facility_import_invalid',
                    problems="\n".join(map(problem_text, problems))),
                problems=problems)
    to_create, to_write = [], []
    for values in checked.values:
        facility = existing.get(values['code'])
        if facility:
            to_write.extend(([facility], values))
        else:
            to_create.append(values)
    # The warnings are reported with the result instead of asked for
    with Transaction().set_context(_skip_warnings=True):
        if to_create:
            Facility.create(to_create)
        if to_write:
            Facility.write(*to_write)
    return len(to_create), len(to_write) // 2, checked.warnings


class ImportFacilitiesStart(ModelView):
    __name__ = 'bhmis.facility.import.start'
    __string__ = "Import Facilities"
    file = fields.Binary("File", required=True, filename='filename',
        help="CSV (UTF-8) or XLSX with the columns: " + ", ".join(COLUMNS))
    filename = fields.Char("File Name")


class ImportFacilitiesResult(ModelView):
    __name__ = 'bhmis.facility.import.result'
    __string__ = "Import Facilities"
    summary = fields.Text("Summary", readonly=True)


class ImportFacilities(ImportWizardMixin, Wizard):
    __name__ = 'bhmis.facility.import'
    __string__ = "Import Facilities"
    _import = staticmethod(import_facilities)
    _done_message = 'bhmis_base.msg_facility_import_done'
    start = StateView('bhmis.facility.import.start',
        'bhmis_base.facility_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    result = StateView('bhmis.facility.import.result',
        'bhmis_base.facility_import_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])
