# SPDX-License-Identifier: GPL-3.0-or-later
"""The dashboard's tables as CSV (open data): UTF-8 with a byte order mark
so that spreadsheets read Urdu names, one header row, percentages as
numbers, an empty cell for an unknown figure and "<5" for one the public
does not see, and cells that a spreadsheet would run as a formula written
as text."""
import csv
import io

FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')


def cell(value):
    if value is None:
        return ''
    if value == 'few':
        return '<5'
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write(headers, rows):
    "The CSV text of headers and rows"
    out = io.StringIO()
    out.write('\ufeff')
    writer = csv.writer(out, lineterminator='\r\n')
    writer.writerow([cell(h) for h in headers])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()
