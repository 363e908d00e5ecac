# SPDX-License-Identifier: GPL-3.0-or-later
"""`bhmis init --demo province`: wall time, database size, and the demo
loader's batched create of the province's facilities against the naive way,
one ORM create() call per facility.

Run as `python -m benchmarks.init load batched|naive RESULT.json` (with the
BHMIS_* variables set), it loads the province demo data into an initialised
database in process, timing the load and the facility creation.
"""
import json
import statistics
import sys
import time
from pathlib import Path

from . import Row, StepError

NAME = 'init'
LOAD_RUNS = 3


def run(workspace, backend, log):
    rows = []
    # 1. The command as a user runs it, in a fresh database
    province = workspace.instance(backend, 'province')
    log('init --demo province')
    demo_wall = province.bhmis('init', '--demo', 'province')
    demo_size = province.size()
    workspace.province[backend] = province

    # 2. The same without demo data: the schema, and the template of 3.
    schema = workspace.instance(backend, 'schema')
    log('init (no demo)')
    schema_wall = schema.bhmis('init')
    schema_size = schema.size()
    rows.append(Row(NAME, backend, '`init --demo province` wall time',
            demo_wall, 's', '`init` without demo data', schema_wall))
    rows.append(Row(NAME, backend, '`init --demo province` database size',
            demo_size, 'bytes', '`init` without demo data', schema_size))
    if backend == 'postgresql':
        rows.append(foreign_keys(schema))

    # 3. The demo loader alone, batched and naive in turn, each time in a
    # new copy of the plain database; the median of LOAD_RUNS runs
    results = {'batched': [], 'naive': []}
    for n in range(LOAD_RUNS):
        for mode in results:
            target = workspace.instance(backend, '%s%s' % (mode, n))
            schema.copy_to(target)
            log('province demo load, %s (%s/%s)' % (mode, n + 1, LOAD_RUNS))
            output = target.var / ('%s.json' % target.db)
            target.run(sys.executable, '-m', 'benchmarks.init', 'load', mode,
                str(output))
            results[mode].append(json.loads(output.read_text()))
            target.drop()
    counts = {r['facilities'] for runs in results.values() for r in runs}
    if len(counts) != 1 or min(counts) < 1800:
        raise StepError('the demo loads created %s facilities' % counts)
    batched, naive = ({key: statistics.median(r[key] for r in runs)
            for key in ('load', 'create')}
        for runs in (results['batched'], results['naive']))
    rows.append(Row(NAME, backend,
            'province demo load (%s facilities, commit included), '
            'median of %s' % (counts.pop(), LOAD_RUNS), batched['load'], 's',
            'the same, one `create()` per facility', naive['load']))
    rows.append(Row(NAME, backend,
            'facility `create()` calls alone, median of %s' % LOAD_RUNS,
            batched['create'], 's',
            'one `create()` per facility', naive['create']))
    schema.drop()
    return rows


def foreign_keys(instance):
    """Reading the foreign keys of every table, as Tryton's TableHandler
    does table by table on every init: from pg_catalog (bhmis.pg_catalog)
    against Tryton's own information_schema query"""
    import psycopg

    from bhmis import pg_catalog
    uri = instance.uri.rstrip('/') + '/' + instance.db
    with psycopg.connect(uri) as connection:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [t for t, in cursor.fetchall()]
        start = time.perf_counter()
        ours = [pg_catalog.foreign_keys(cursor, t, 'public') for t in tables]
        catalog = time.perf_counter() - start
        start = time.perf_counter()
        theirs = []
        for table in tables:
            cursor.execute(pg_catalog.INFORMATION_SCHEMA, (table, 'public'))
            theirs.append({r[:2]: r[2] for r in cursor})
        information_schema = time.perf_counter() - start
    if ours != theirs:
        raise StepError('pg_catalog and information_schema disagree')
    return Row(NAME, 'postgresql',
        'foreign keys of the %s tables of a new database, read as on every '
        'init' % len(tables), catalog, 's',
        "Tryton's information_schema query", information_schema)


def load(mode, output):
    "Load the province demo with facilities created batched or one by one"
    import random

    from bhmis import database, demo
    from bhmis import settings as settings_
    settings = settings_.load()
    settings_.write_trytond_conf(settings)
    with database.open_pool(settings, context={'language': 'en'}) as (
            pool, transaction):
        Facility = pool.get('bhmis.facility')
        create = Facility.create
        spent, depth, count = [0.0], [0], [0]

        def timed_create(cls, vlist):
            depth[0] += 1
            start = time.perf_counter()
            try:
                if mode == 'naive' and depth[0] == 1:
                    records = [r for values in vlist
                        for r in create([values])]
                else:
                    records = create(vlist)
                if depth[0] == 1:
                    count[0] += len(records)
                return records
            finally:
                if depth[0] == 1:
                    spent[0] += time.perf_counter() - start
                depth[0] -= 1
        Facility.create = classmethod(timed_create)
        start = time.perf_counter()
        # The facilities only: other modules' demo data is not measured here
        import bhmis_base.demo
        bhmis_base.demo.load('province', random.Random(
                '%s-bhmis_base-province' % demo.SEED))
    elapsed = time.perf_counter() - start  # the commit included
    Path(output).write_text(json.dumps({'mode': mode, 'load': elapsed,
                'create': spent[0], 'facilities': count[0]}))


if __name__ == '__main__':
    if len(sys.argv) != 4 or sys.argv[1] != 'load' or sys.argv[2] not in {
            'batched', 'naive'}:
        sys.exit('usage: python -m benchmarks.init load batched|naive FILE')
    load(sys.argv[2], sys.argv[3])
