# SPDX-License-Identifier: GPL-3.0-or-later
"""All or nothing: a transaction that fails keeps none of its writes, even
on SQLite right after Tryton's cache has synchronised (bhmis/cache.py)."""
import subprocess
import sys

import pytest

from tests.conftest import ROOT, copy_instance

SCRIPT = r'''
import datetime as dt, os, sys
from bhmis import database, settings
s = settings.load()
settings.write_trytond_conf(s)
os.environ['TRYTOND_CONFIG'] = str(s.trytond_conf)
from trytond import cache
# Force the periodic synchronisation to run at the next transaction
cache.Cache._clean_last = dt.datetime(2000, 1, 1)
try:
    with database.open_pool(s) as (pool, transaction):
        pool.get('bhmis.division').create([{'code': 'HALF', 'name': 'x'}])
        raise RuntimeError("fails after writing")
except RuntimeError:
    pass
with database.open_pool(s) as (pool, transaction):
    print(cache.Cache.__module__,
        pool.get('bhmis.division').search_count([('code', '=', 'HALF')]))
'''


@pytest.fixture(scope='module')
def initialised(tmp_path_factory, initialised_template):
    inst = copy_instance(tmp_path_factory, 'tx', initialised_template)
    yield inst
    inst.drop()


def test_failed_transaction_writes_nothing(initialised):
    result = subprocess.run([sys.executable, '-c', SCRIPT],
        env=initialised.env, cwd=ROOT, capture_output=True, text=True,
        timeout=300)
    assert result.returncode == 0, result.stderr
    module, count = result.stdout.split()
    assert module == 'bhmis.cache', "BHMIS's cache class is configured"
    assert count == '0', "the failed transaction's write was kept"
