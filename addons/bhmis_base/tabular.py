# SPDX-License-Identifier: GPL-3.0-or-later
"""Read a CSV or XLSX table into rows, without the ORM.

Row numbers are those a spreadsheet shows: the header is row 1.
"""
import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

MAX_BYTES = 10 * 1024 * 1024


# The English text of each problem. message.xml has the same texts as
# msg_import_<code> for translation (a test keeps the two equal).
MESSAGES = {
    'file_empty': "the file is empty",
    'file_too_large': "the file is %(size)s MB, more than the %(limit)s MB "
    "allowed",
    'not_utf8': "the file is not UTF-8 text (byte %(position)s)",
    'not_csv': "the file is not a CSV text file",
    'malformed_csv': "malformed CSV (%(error)s)",
    'not_xlsx': "not a readable XLSX workbook (%(error)s)",
    'no_header': "the file has no header row",
    'no_data': "the file has no data rows",
    'cell_count': "%(cells)s cells but the header has %(columns)s columns",
    'required': "is required",
    'column_unnamed': "a column has no name",
    'column_unknown': "unknown column (expected: %(expected)s)",
    'column_twice': "column given twice",
    'column_missing': "required column is missing",
    'code_twice': "code %(code)s is already on row %(row)s",
    'unknown_type': "unknown type '%(value)s' (one of: %(expected)s)",
    'unknown_district': "unknown district '%(value)s'",
    'district_not_yours': "district '%(value)s' is not one of yours",
    'unknown_tehsil': "unknown tehsil '%(value)s' in district "
    "'%(district)s'",
    'not_number': "'%(value)s' is not a number",
    'not_whole_number': "'%(value)s' is not a whole number",
    'below_minimum': "must be %(minimum)s or more",
    'gps_pair': "latitude and longitude go together",
    'latitude_range': "latitude must be between -90 and 90",
    'longitude_range': "longitude must be between -180 and 180",
    'outside_province': "%(latitude)s, %(longitude)s is outside Balochistan",
    'not_yes_no': "'%(value)s' is not yes or no",
    'unknown_status': "unknown status '%(value)s' (one of: %(expected)s)",
    'not_dhis2_uid': "'%(value)s' is not a DHIS2 id (a letter then 10 "
    "letters or digits)",
    'value_twice': "%(value)s is already on row %(row)s",
    'out_of_range': "must be between %(minimum)s and %(maximum)s",
    'bad_date': "'%(value)s' is not a date (YYYY-MM-DD or DD/MM/YYYY)",
    'bad_cnic': "'%(value)s' is not a CNIC (13 digits, as "
    "12345-1234567-1)",
    'unknown_value': "unknown value '%(value)s' (one of: %(expected)s)",
    'unknown_code': "no code or name '%(value)s'",
    'unknown_facility': "unknown facility '%(value)s'",
    'facility_not_yours': "facility '%(value)s' is not one of yours",
    'facility_closed': "facility '%(value)s' is closed",
    }


@dataclass(frozen=True)
class Problem:
    """Something wrong in a file, at a row and column when known.

    A module with problems of its own subclasses it with its messages and
    its name (its texts are then <module>.msg_problem_<code>).
    """
    row: int | None
    column: str | None
    code: str
    params: dict = field(default_factory=dict, compare=False)
    messages = MESSAGES
    module = 'bhmis_base'

    @property
    def message(self):
        return self.messages[self.code] % self.params

    def __str__(self):
        return self.format(self.message, self.row, self.column)

    @staticmethod
    def format(message, row, column):
        where = []
        if row is not None:
            where.append("row %s" % row)
        if column:
            where.append("column %s" % column)
        if where:
            return "%s: %s" % (", ".join(where), message)
        return message


class TableError(Exception):
    "The file cannot be read as a table"

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))


def _cell_text(value):
    if value is None:
        return ''
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        # A date cell: spreadsheets store dates as midnight date-times
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(data):
    import openpyxl
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exception:
        raise TableError([Problem(None, None, 'not_xlsx',
                    {'error': exception})])
    try:
        sheet = workbook.worksheets[0]
        for cells in sheet.iter_rows(values_only=True):
            yield [_cell_text(c) for c in cells]
    finally:
        workbook.close()


def _csv_rows(data):
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError as exception:
        raise TableError([Problem(None, None, 'not_utf8',
                    {'position': exception.start})])
    if '\0' in text:
        raise TableError([Problem(None, None, 'not_csv')])
    reader = csv.reader(io.StringIO(text, newline=''), strict=True)
    try:
        for cells in reader:
            yield [c.strip() for c in cells]
    except csv.Error as exception:
        raise TableError([Problem(reader.line_num, None, 'malformed_csv',
                    {'error': exception})])


def is_xlsx(data, filename=None):
    if filename and filename.lower().endswith('.xlsx'):
        return True
    return data[:4] == b'PK\x03\x04'


def read_table(data, filename=None, columns=(), required=(),
        max_bytes=MAX_BYTES):
    """Return the list of (row number, {column: text}) of the file.

    columns are the known column names; required the ones that must be
    present and filled.  Raise TableError listing every problem found.
    """
    if not data:
        raise TableError([Problem(None, None, 'file_empty')])
    if len(data) > max_bytes:
        raise TableError([Problem(None, None, 'file_too_large', {
                        'size': '%.1f' % (len(data) / 1e6),
                        'limit': '%.0f' % (max_bytes / 1e6)})])
    rows = _xlsx_rows(data) if is_xlsx(data, filename) else _csv_rows(data)
    header = None
    records, problems = [], []
    for number, cells in enumerate(rows, 1):
        if not any(cells):
            continue
        if header is None:
            header = [c.strip().lower() for c in cells]
            problems.extend(_check_header(header, columns, required))
            if problems:
                raise TableError(problems)
            continue
        while cells and not cells[-1] and len(cells) > len(header):
            cells.pop()
        if len(cells) > len(header):
            problems.append(Problem(number, None, 'cell_count',
                    {'cells': len(cells), 'columns': len(header)}))
            continue
        record = dict(zip(header, cells))
        for name in required:
            if not record.get(name):
                problems.append(Problem(number, name, 'required'))
        records.append((number, record))
    if header is None:
        raise TableError([Problem(None, None, 'no_header')])
    if not records and not problems:
        raise TableError([Problem(None, None, 'no_data')])
    if problems:
        raise TableError(problems)
    return records


def _check_header(header, columns, required):
    problems = []
    seen = set()
    for name in header:
        if not name:
            problems.append(Problem(1, None, 'column_unnamed'))
        elif columns and name not in columns:
            problems.append(Problem(1, name, 'column_unknown',
                    {'expected': ", ".join(columns)}))
        elif name in seen:
            problems.append(Problem(1, name, 'column_twice'))
        seen.add(name)
    for name in required:
        if name not in header:
            problems.append(Problem(1, name, 'column_missing'))
    return problems
