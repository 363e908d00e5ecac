# SPDX-License-Identifier: GPL-3.0-or-later
"""Read a CSV or XLSX table into rows, without the ORM.

Row numbers are those a spreadsheet shows: the header is row 1.
"""
import csv
import io
import zipfile
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    "Something wrong in a file, at a row and column when known"
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        where = []
        if self.row is not None:
            where.append("row %s" % self.row)
        if self.column:
            where.append("column %s" % self.column)
        if where:
            return "%s: %s" % (", ".join(where), self.message)
        return self.message


class TableError(Exception):
    "The file cannot be read as a table"

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))


def _cell_text(value):
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(data):
    import openpyxl
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exception:
        raise TableError([Problem(None, None,
                    "not a readable XLSX workbook (%s)" % exception)])
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
        raise TableError([Problem(None, None,
                    "the file is not UTF-8 text (byte %s)"
                    % exception.start)])
    if '\0' in text:
        raise TableError([Problem(None, None,
                    "the file is not a CSV text file")])
    reader = csv.reader(io.StringIO(text, newline=''), strict=True)
    try:
        for cells in reader:
            yield [c.strip() for c in cells]
    except csv.Error as exception:
        raise TableError([Problem(reader.line_num, None,
                    "malformed CSV (%s)" % exception)])


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
        raise TableError([Problem(None, None, "the file is empty")])
    if len(data) > max_bytes:
        raise TableError([Problem(None, None,
                    "the file is %.1f MB, more than the %.0f MB allowed"
                    % (len(data) / 1e6, max_bytes / 1e6))])
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
            problems.append(Problem(number, None,
                    "%s cells but the header has %s columns"
                    % (len(cells), len(header))))
            continue
        record = dict(zip(header, cells))
        for name in required:
            if not record.get(name):
                problems.append(Problem(number, name, "is required"))
        records.append((number, record))
    if header is None:
        raise TableError([Problem(None, None, "the file has no header row")])
    if not records and not problems:
        raise TableError([Problem(None, None, "the file has no data rows")])
    if problems:
        raise TableError(problems)
    return records


def _check_header(header, columns, required):
    problems = []
    seen = set()
    for name in header:
        if not name:
            problems.append(Problem(1, None, "a column has no name"))
        elif columns and name not in columns:
            problems.append(Problem(1, name, "unknown column (expected: %s)"
                    % ", ".join(columns)))
        elif name in seen:
            problems.append(Problem(1, name, "column given twice"))
        seen.add(name)
    for name in required:
        if name not in header:
            problems.append(Problem(1, name, "required column is missing"))
    return problems
