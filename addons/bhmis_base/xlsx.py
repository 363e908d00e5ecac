# SPDX-License-Identifier: GPL-3.0-or-later
"""Write a report table as an XLSX workbook, without the ORM."""
import datetime as dt
import io

import xlsxwriter


def write_table(title, headers, rows, subtitle=None, right_to_left=False):
    """Return the bytes of a workbook with one sheet: a title line, an
    optional subtitle, the header row (frozen, filterable) and the rows."""
    return write_sheets([(title, headers, rows)], subtitle=subtitle,
        right_to_left=right_to_left)


def write_sheets(sheets, subtitle=None, right_to_left=False):
    "Return the bytes of a workbook of the sheets [(title, headers, rows)]"
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {'in_memory': True})
    formats = {
        'title': workbook.add_format({'bold': True, 'size': 14}),
        'bold': workbook.add_format({'bold': True}),
        'header': workbook.add_format({'bold': True, 'bottom': 1}),
        'date': workbook.add_format({'num_format': 'yyyy-mm-dd'}),
        'moment': workbook.add_format({'num_format': 'yyyy-mm-dd hh:mm'}),
        }
    for title, headers, rows in sheets:
        _write_sheet(workbook.add_worksheet(title[:31]), formats, title,
            headers, rows, subtitle, right_to_left)
    workbook.close()
    return output.getvalue()


def _write_sheet(sheet, formats, title, headers, rows, subtitle,
        right_to_left):
    if right_to_left:
        sheet.right_to_left()
    sheet.write(0, 0, title, formats['title'])
    if subtitle:
        sheet.write(1, 0, subtitle, formats['bold'])
    first = 3
    for column, name in enumerate(headers):
        sheet.write(first, column, name, formats['header'])
    widths = [len(h) for h in headers]
    for number, row in enumerate(rows, first + 1):
        for column, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(number, column, value,
                    formats['moment'])
            elif isinstance(value, dt.date):
                sheet.write_datetime(number, column,
                    dt.datetime.combine(value, dt.time()), formats['date'])
            elif value is None:
                sheet.write_blank(number, column, None)
            else:
                sheet.write(number, column, value)
            widths[column] = max(widths[column], len(str(value or '')))
    for column, width in enumerate(widths):
        sheet.set_column(column, column, min(width + 2, 60))
    sheet.freeze_panes(first + 1, 0)
    sheet.autofilter(first, 0, first + max(len(rows), 1), len(headers) - 1)


def write_template(sheet_name, columns, example, column_help,
        width=16, help_width=(20, 80)):
    """Return the bytes of an import template: a sheet with the columns and
    an example row (dates, integers or text kept as text), and a Help sheet
    saying what to write in each column."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {'in_memory': True})
    bold = workbook.add_format({'bold': True})
    date = workbook.add_format({'num_format': 'yyyy-mm-dd'})
    # Codes and CNICs would lose their leading zeros or dashes
    text = workbook.add_format({'num_format': '@'})
    sheet = workbook.add_worksheet(sheet_name)
    for column, (name, value) in enumerate(zip(columns, example)):
        sheet.write_string(0, column, name, bold)
        if isinstance(value, dt.date):
            sheet.set_column(column, column, 14, date)
            sheet.write_datetime(1, column,
                dt.datetime.combine(value, dt.time()), date)
        elif isinstance(value, int):
            sheet.set_column(column, column, 6)
            sheet.write_number(1, column, value)
        else:
            sheet.set_column(column, column, max(len(name), width), text)
            sheet.write_string(1, column, value, text)
    sheet.freeze_panes(1, 0)
    notes = workbook.add_worksheet("Help")
    notes.set_column(0, 0, help_width[0])
    notes.set_column(1, 1, help_width[1])
    notes.write_row(0, 0, ["column", "what to write"], bold)
    for number, name in enumerate(columns, 1):
        notes.write_row(number, 0, [name, column_help[name]])
    workbook.close()
    return output.getvalue()
