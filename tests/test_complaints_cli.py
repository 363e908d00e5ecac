# SPDX-License-Identifier: GPL-3.0-or-later
"""`bhmis report complaints-summary|complaints-sla|complaints-register`
over a period of filing (--from, --to) on a copy of the small demo, as the
administrator and as the Civil Hospital's focal person.

Run: python -m pytest tests/test_complaints_cli.py
"""
import datetime as dt
import json
import subprocess
import sys

import openpyxl
import pytest

from tests.conftest import ROOT, copy_instance

# The focal person's id and the complaints of their hospital, read in the
# database (the instance is not served)
FOCAL = """
import json
from bhmis import settings as settings_
from bhmis.database import open_pool
with open_pool(settings_.load()) as (pool, transaction):
    focal, = pool.get('res.user').search([('login', '=', 'focal.civil')])
    print(json.dumps([focal.id, pool.get('bhmis.complaint').search_count(
                [('facility.code', '=', 'QUETTA-CIVIL-001')])]))
"""


@pytest.fixture(scope='module')
def demo(tmp_path_factory, demo_template):
    inst = copy_instance(tmp_path_factory, 'complaints_cli', demo_template)
    yield inst
    inst.drop()


def table(path):
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[4]]
    return [dict(zip(header, [c.value for c in row]))
        for row in sheet.iter_rows(min_row=5)]


def register(demo, tmp_path, *args):
    output = tmp_path / ('register%s.xlsx' % len(list(tmp_path.iterdir())))
    result = demo.bhmis('report', 'complaints-register', '--output',
        str(output), *args)
    assert 'written' in result.stdout
    return table(output)


def test_register_of_a_period(demo, tmp_path):
    "Only the complaints filed from --from to --to included"
    every = register(demo, tmp_path)
    assert len(every) >= 60
    filed = sorted(r['Filed'] for r in every)
    middle = filed[len(filed) // 2].date()
    start, end = middle - dt.timedelta(days=7), middle
    rows = register(demo, tmp_path, '--from', start.isoformat(),
        '--to', end.isoformat())
    expected = [r for r in every if start <= r['Filed'].date() <= end]
    assert rows and len(rows) < len(every)
    assert sorted(r['Tracking Number'] for r in rows) == sorted(
        r['Tracking Number'] for r in expected)
    # Open-ended
    rows = register(demo, tmp_path, '--from', middle.isoformat())
    assert {r['Tracking Number'] for r in rows} == {
        r['Tracking Number'] for r in every if r['Filed'].date() >= middle}


def test_sla_of_a_period_as_the_focal_person(demo, tmp_path):
    "The focal person's figures: their facility's complaints only"
    read = subprocess.run([sys.executable, '-c', FOCAL], env=demo.env,
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert read.returncode == 0, read.stderr
    focal, civil = json.loads(read.stdout.split('\n')[-2])
    today = dt.date.today()
    output = tmp_path / 'sla.xlsx'
    demo.bhmis('report', 'complaints-sla', '--from',
        (today - dt.timedelta(days=90)).isoformat(), '--to',
        today.isoformat(), '--user-id', str(focal),
        '--output', str(output))
    rows = table(output)
    districts = [r['District'] for r in rows]
    assert districts == ['Quetta', 'Total'], districts
    assert civil and rows[-1]['Filed'] == civil


@pytest.mark.parametrize('args, returncode, message', [
    (['--from', '2026-11-30', '--to', '2026-11-01'], 1,
        "--from 2026-11-30 is after --to 2026-11-01"),
    (['--from', '2026-13-01'], 2, "invalid date value"),
    (['--to', 'yesterday'], 2, "invalid date value"),
    ])
def test_bad_period_refused(demo, tmp_path, args, returncode, message):
    output = tmp_path / 'refused.xlsx'
    result = demo.bhmis('report', 'complaints-summary', '--output',
        str(output), *args, check=False)
    assert result.returncode == returncode, result
    assert message in result.stderr
    assert not output.exists(), "nothing written"
