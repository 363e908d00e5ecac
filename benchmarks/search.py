# SPDX-License-Identifier: GPL-3.0-or-later
"""Facility search over JSON-RPC on a served province database: name
contains a term, in one district, 50 rows, as the back office asks it.

BHMIS's way is one `search_read` call. Baselines, timed in the same run
with the same queries, interleaved:
- `search` then `read`: the naive client's two round trips;
- every facility (`search_read` with an empty domain) filtered client-side,
  on 1 query in 5 only (it takes ~100 times longer).
"""
import random
import time

from tests.rpc import RPC

from . import ADMIN_PASSWORD, Row, StepError, percentile

NAME = 'search'
MODEL = 'bhmis.facility'
FIELDS = ['code', 'name', 'type', 'district', 'status']
ORDER = [['name', 'ASC'], ['id', 'ASC']]
LIMIT = 50
TERMS = ['BHU', 'bhu', 'Dispensary', 'RHC', 'MCH', 'Hospital', 'Store',
    'Centre', '1', '12', '3', 'Civil', 'TB', 'x']
WARMUP = 10
# Fetching every facility takes ~100 times longer: 1 query in 5 keeps
# `make bench` short
CLIENT_SIDE_EVERY = 5


def one_call(rpc, domain):
    return rpc.model(MODEL, 'search_read', domain, 0, LIMIT, ORDER, FIELDS)


def search_then_read(rpc, domain):
    ids = rpc.model(MODEL, 'search', domain, 0, LIMIT, ORDER)
    records = rpc.model(MODEL, 'read', ids, FIELDS)
    by_id = {r['id']: r for r in records}
    return [by_id[i] for i in ids]


def client_side(rpc, term, district):
    records = rpc.model(MODEL, 'search_read', [], 0, None, ORDER, FIELDS)
    term = term.lower()
    return [r for r in records
        if r['district'] == district and term in r['name'].lower()][:LIMIT]


def run(workspace, backend, log, calls=200):
    province = workspace.province_instance(backend, log)
    log('serve')
    province.serve()
    try:
        rpc = RPC(province.url(), province.db).login('admin', ADMIN_PASSWORD)
        districts = [d['id'] for d in rpc.model(
                'bhmis.district', 'search_read', [], 0, None,
                [['code', 'ASC']], ['code'])]
        if len(districts) < 30:
            raise StepError('%s districts only' % len(districts))
        rng = random.Random(20261126)
        queries = [(rng.choice(TERMS), rng.choice(districts))
            for _ in range(calls + WARMUP)]
        methods = {
            'search_read': lambda t, d, domain: one_call(rpc, domain),
            'search+read': lambda t, d, domain: search_then_read(rpc, domain),
            'client-side': lambda t, d, domain: client_side(rpc, t, d),
            }
        times = {name: [] for name in methods}
        log('%s queries, 2 ways each; 1 in %s also fetches every facility '
            'to filter client-side' % (calls, CLIENT_SIDE_EVERY))
        matched = 0
        for n, (term, district) in enumerate(queries):
            domain = [['name', 'ilike', '%' + term + '%'],
                ['district', '=', district]]
            names = ['search_read', 'search+read']
            if n % CLIENT_SIDE_EVERY == 0:
                names.append('client-side')
            # Rotate the order so no way always runs on a warmer cache
            names = names[n % len(names):] + names[:n % len(names)]
            results = {}
            for name in names:
                start = time.perf_counter()
                results[name] = methods[name](term, district, domain)
                elapsed = time.perf_counter() - start
                if n >= WARMUP:
                    times[name].append(elapsed * 1000)
            check(results, term, district)
            matched += len(results['search_read'])
        if not matched:
            raise StepError('no query matched any facility')
    finally:
        province.stop()
    log('mean %.1f facilities per query' % (matched / len(queries)))
    rows = []
    for baseline, label in [
            ('search+read', '`search` then `read` (2 calls)'),
            ('client-side', 'all facilities, filtered client-side')]:
        for p in (50, 95):
            rows.append(Row(NAME, backend,
                    'facility search, one `search_read`: p%s of %s'
                    % (p, len(times['search_read'])),
                    percentile(times['search_read'], p), 'ms',
                    '%s: p%s of %s' % (label, p, len(times[baseline])),
                    percentile(times[baseline], p)))
    return rows


def check(results, term, district):
    "The three ways must find the same facilities"
    reference = results['search_read']
    if [r['id'] for r in results['search+read']] != [
            r['id'] for r in reference]:
        raise StepError('search+read differs from search_read for %r in '
            'district %s' % (term, district))
    client = results.get('client-side', reference)
    if len(client) != len(reference) or (len(reference) < LIMIT and {
                r['id'] for r in client} != {r['id'] for r in reference}):
        # Past LIMIT matches, the database's collation may order names
        # unlike Python, so only the counts are compared
        raise StepError('client-side filter differs from search_read for '
            '%r in district %s' % (term, district))
