# SPDX-License-Identifier: GPL-3.0-or-later
"""Write a report table as an XLSX workbook, without the ORM."""
import datetime as dt
import io

import xlsxwriter


def write_table(title, headers, rows, subtitle=None, right_to_left=False):
    """Return the bytes of a workbook with one sheet: a title line, an
    optional subtitle, the header row (frozen, filterable) and the rows."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {'in_memory': True})
    sheet = workbook.add_worksheet(title[:31])
    if right_to_left:
        sheet.right_to_left()
    bold = workbook.add_format({'bold': True})
    header = workbook.add_format({'bold': True, 'bottom': 1})
    date = workbook.add_format({'num_format': 'yyyy-mm-dd'})
    moment = workbook.add_format({'num_format': 'yyyy-mm-dd hh:mm'})
    sheet.write(0, 0, title, workbook.add_format({'bold': True, 'size': 14}))
    if subtitle:
        sheet.write(1, 0, subtitle, bold)
    first = 3
    for column, name in enumerate(headers):
        sheet.write(first, column, name, header)
    widths = [len(h) for h in headers]
    for number, row in enumerate(rows, first + 1):
        for column, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(number, column, value, moment)
            elif isinstance(value, dt.date):
                sheet.write_datetime(number, column,
                    dt.datetime.combine(value, dt.time()), date)
            elif value is None:
                sheet.write_blank(number, column, None)
            else:
                sheet.write(number, column, value)
            widths[column] = max(widths[column], len(str(value or '')))
    for column, width in enumerate(widths):
        sheet.set_column(column, column, min(width + 2, 60))
    sheet.freeze_panes(first + 1, 0)
    sheet.autofilter(first, 0, first + max(len(rows), 1), len(headers) - 1)
    workbook.close()
    return output.getvalue()
