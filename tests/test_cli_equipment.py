# SPDX-License-Identifier: GPL-3.0-or-later
"""`bhmis report equipment-status` as a district manager uses it, on the
small demo (whose equipment comes from bhmis_inventory's demo)."""
import openpyxl


def rows(path, sheet):
    book = openpyxl.load_workbook(path)
    return [[c.value for c in row] for row in book[sheet].iter_rows(min_row=5)]


def test_report_equipment_status_district(demo_server, tmp_path):
    output = tmp_path / 'quetta.xlsx'
    demo_server.bhmis('report', 'equipment-status', '--district', 'QUETTA',
        '--output', str(output))
    summary = rows(output, 'Equipment Status')
    assert summary and all(r[0] == 'Quetta' for r in summary), "Quetta only"
    xray, = [r for r in summary if r[1].startswith('QUETTA-DHQ-001')
        and r[2] == 'X-ray Machine']
    total, functional = xray[3], xray[4]
    assert (total, functional) == (2, 2)
    assert xray[8] == 3 and xray[10] is not None, \
        "three repairs of the demo: failures and MTTR show"
    down = rows(output, 'Not Functional')
    assert [r[2:4] + [r[6]] for r in down if r[1].startswith(
            'QUETTA-DHQ-001')] == [['EQ-QUETTA-DHQ-001-ULTRASOUND-01',
            'Ultrasound Machine', 'Under Repair']], down


def test_report_equipment_status_facility(demo_server, tmp_path):
    output = tmp_path / 'pishin.xlsx'
    demo_server.bhmis('report', 'equipment-status', '--facility',
        'PISHIN-DHQ-001', '--output', str(output))
    summary = rows(output, 'Equipment Status')
    assert {r[1].split(' - ')[0] for r in summary} == {'PISHIN-DHQ-001'}
    incubator, = [r for r in summary if r[2] == 'Baby Incubator']
    assert incubator[5] == 1, "the incubator whose heater failed"
