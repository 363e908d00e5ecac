# SPDX-License-Identifier: GPL-3.0-or-later
"""`bhmis report stock-status|tracer-availability|expiry` as managers use
them, on the small demo's Quetta and Pishin stores with three months of
moves (August to October 2026, bhmis_inventory.demo_bulk)."""
import subprocess
import sys

import openpyxl
import pytest

from tests.conftest import ROOT, copy_instance

LOAD = """
import datetime as dt, random
from bhmis import settings as settings_
from bhmis.database import open_pool
settings = settings_.load()
with open_pool(settings) as (pool, transaction):
    from bhmis_base import demo as base_demo
    from bhmis_inventory import demo, demo_bulk
    base_demo.load('small', random.Random(1))
    # The small catalogue without the small demo's own stock flows: the
    # stores get demo_bulk's three complete months instead
    demo.demo_moves.load_small = lambda: 0
    demo.load('small', random.Random(2))
    print(demo_bulk.load('province', random.Random(3),
            today=dt.date(2026, 11, 15)))
"""


@pytest.fixture(scope='module')
def stock(tmp_path_factory, initialised_template):
    "An initialised database with the small demo's stores and their moves"
    inst = copy_instance(tmp_path_factory, 'cli_inventory_reports',
        initialised_template)
    loaded = subprocess.run([sys.executable, '-c', LOAD], env=inst.env,
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert loaded.returncode == 0, loaded.stderr
    assert int(loaded.stdout.split()[-1]) > 1000, "moves were written"
    yield inst
    inst.drop()


def table(path):
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[4]]
    return [dict(zip(header, [c.value for c in row]))
        for row in sheet.iter_rows(min_row=5)]


def test_stock_status(stock, tmp_path):
    "Each row balances, and the district filter keeps Quetta only"
    output = tmp_path / 'status.xlsx'
    result = stock.bhmis('report', 'stock-status', '--month', '2026-10',
        '--district', 'QUETTA', '--output', str(output))
    assert 'written' in result.stdout
    rows = table(output)
    assert rows and {r['District'] for r in rows} == {'Quetta'}
    for row in rows:
        assert row['Closing'] == pytest.approx(row['Opening']
            + row['Received'] + row['Adjustments In'] - row['Dispatched']
            - row['Issued'] - row['Losses']), row
        assert 0 <= row['Stock-Out Days'] <= 31
    statuses = {r['Status'] for r in rows}
    assert 'Stocked Out' in statuses or 'Below Minimum' in statuses, \
        "the demo's short supplies show"
    store = [r for r in rows if r['Facility'].startswith('QUETTA-DS')]
    assert store and all(r['Issued'] == 0 and r['Dispatched'] > 0
        for r in store if r['Received']), "the store dispatches"


def test_tracer_availability_and_scope(stock, tmp_path):
    "A DHO of Pishin gets Pishin's figures only"
    everyone = tmp_path / 'all.xlsx'
    stock.bhmis('report', 'tracer-availability', '--month', '2026-10',
        '--output', str(everyone))
    rows = table(everyone)
    summary = {r['District']: r for r in rows
        if not r['Facility'] and r['Tracer Medicine']
        == 'All tracer medicines'}
    assert set(summary) == {'Quetta', 'Pishin'}
    for row in summary.values():
        assert 0 <= row['Stock-Out Rate (%)'] <= 100
    pishin = tmp_path / 'pishin.xlsx'
    dho = stock.bhmis('report', 'tracer-availability', '--month', '2026-10',
        '--user-id', user_id(stock, 'dho.pishin'), '--output', str(pishin))
    assert dho.returncode == 0
    assert {r['District'] for r in table(pishin)} == {'Pishin'}


def test_expiry(stock, tmp_path):
    "Lots expiring within 90 days of the end of October, with their stock"
    output = tmp_path / 'expiry.xlsx'
    stock.bhmis('report', 'expiry', '--month', '2026-10',
        '--output', str(output))
    rows = table(output)
    assert rows, "one medicine in ten expires within 90 days"
    for row in rows:
        assert 0 <= row['Days Left'] <= 90 and row['Quantity'] > 0
        assert row['State'] == 'Expiring'


def test_expiry_in_urdu(stock, tmp_path):
    "An Urdu reader: title, headers and the lots' state in Urdu"
    output = tmp_path / 'expiry-ur.xlsx'
    stock.bhmis('report', 'expiry', '--month', '2026-10', '--language', 'ur',
        '--output', str(output))
    sheet = openpyxl.load_workbook(output).active
    assert sheet.sheet_view.rightToLeft
    assert sheet['A1'].value == 'میعاد ختم ہونے والا اور ختم شدہ ذخیرہ'
    rows = table(output)
    assert rows and list(rows[0])[:4] == ['ضلع', 'مرکزِ صحت', 'کوڈ', 'دوا']
    assert {r['حالت'] for r in rows} == {'میعاد ختم ہونے کو'}

def test_store_keeper_of_another_facility(stock, tmp_path):
    "The Quetta store's keeper asking for a Pishin facility: refused"
    result = stock.bhmis('report', 'stock-status', '--facility',
        'PISHIN-DS-001', '--user-id', user_id(stock, 'store.quetta'),
        '--output', str(tmp_path / 'x.xlsx'), check=False)
    assert result.returncode == 1
    assert "no facility with the code 'PISHIN-DS-001'" in result.stderr


def user_id(stock, login):
    script = ("from bhmis import settings as s; "
        "from bhmis.database import open_pool\n"
        "with open_pool(s.load()) as (pool, t):\n"
        "    print(pool.get('res.user').search([('login', '=', %r)])[0].id)"
        % login)
    found = subprocess.run([sys.executable, '-c', script], env=stock.env,
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=True)
    return found.stdout.split()[-1]
