# SPDX-License-Identifier: GPL-3.0-or-later
"""HR on a served province database (about 31,000 employees), over JSON-RPC:

- the vacancy report for the whole province, BHMIS's one SQL aggregation
  (`bhmis.vacancy`), against the naive way: fetch the sanctioned posts and
  the open postings and count them in a Python loop;
- employee search by CNIC or by name (`rec_name ilike`, 50 rows), against
  `search` then `read`.
"""
import random
import time
from collections import Counter

from tests.rpc import RPC

from . import ADMIN_PASSWORD, Row, StepError, percentile

NAME = 'hr'
REPORT_CALLS = 5
# The naive report moves every posting over RPC: far slower, run it less
PYTHON_REPORT_CALLS = 2
SEARCH_CALLS = 200
WARMUP = 5
EMPLOYEE_FIELDS = ['personnel_number', 'cnic', 'rec_name', 'facility']


def report_sql(rpc):
    rows = rpc.model('bhmis.vacancy', 'search_read', [], 0, None, None,
        ['facility', 'designation', 'sanctioned', 'filled', 'vacant',
            'surplus'])
    return {(r['facility'], r['designation']): (r['sanctioned'], r['filled'])
        for r in rows}


def report_python(rpc):
    posts = rpc.model('bhmis.sanctioned_post', 'search_read', [], 0, None,
        None, ['facility', 'designation', 'count'])
    postings = rpc.model('bhmis.posting', 'search_read',
        [('end_date', '=', None), ('primary', '=', True)], 0, None, None,
        ['facility', 'designation'])
    sanctioned, filled = Counter(), Counter()
    for post in posts:
        sanctioned[(post['facility'], post['designation'])] += post['count']
    for posting in postings:
        filled[(posting['facility'], posting['designation'])] += 1
    return {k: (sanctioned[k], filled[k])
        for k in set(sanctioned) | set(filled)}


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, (time.perf_counter() - start) * 1000


def run(workspace, backend, log, calls=SEARCH_CALLS):
    province = workspace.province_instance(backend, log)
    log('serve')
    province.serve()
    try:
        rpc = RPC(province.url(), province.db).login('admin', ADMIN_PASSWORD)
        rpc.timeout = 600
        rows = vacancy_rows(rpc, backend, log)
        rows += search_rows(rpc, backend, log, calls)
    finally:
        province.stop()
    return rows


def vacancy_rows(rpc, backend, log):
    log('vacancy report, %s calls in SQL, %s in Python'
        % (REPORT_CALLS, PYTHON_REPORT_CALLS))
    times = {'sql': [], 'python': []}
    sql, _ = timed(report_sql, rpc)  # warm-up
    for n in range(REPORT_CALLS):
        sql, sql_ms = timed(report_sql, rpc)
        times['sql'].append(sql_ms)
        if n < PYTHON_REPORT_CALLS:
            python, python_ms = timed(report_python, rpc)
            times['python'].append(python_ms)
            if sql != python:
                raise StepError('the SQL and Python vacancy figures differ')
    log('%s facility × designation rows' % len(sql))
    return [Row(NAME, backend,
            'province vacancy report (%s rows), SQL aggregation: p50 of %s'
            % (len(sql), REPORT_CALLS), percentile(times['sql'], 50), 'ms',
            'posts and postings counted in Python: p50 of %s'
            % PYTHON_REPORT_CALLS,
            percentile(times['python'], 50))]


def search_rows(rpc, backend, log, calls):
    sample = rpc.model('company.employee', 'search_read', [], 0, 500,
        [['id', 'ASC']], ['cnic', 'party'])
    if len(sample) < 500:
        raise StepError('%s employees only' % len(sample))
    rng = random.Random(20261126)
    terms = []
    for _ in range(calls + WARMUP):
        employee = rng.choice(sample)
        if rng.random() < 0.5:
            terms.append(employee['cnic'])
        else:
            terms.append('%' + rng.choice(['Baloch', 'Kakar', 'Ayesha',
                        'Noor', 'Rind', 'Hamid']) + '%')
    log('%s employee searches by CNIC or name, 2 ways each' % calls)
    times = {'one': [], 'two': []}
    for n, term in enumerate(terms):
        domain = [['rec_name', 'ilike', term]]
        one, one_ms = timed(lambda: rpc.model('company.employee',
                'search_read', domain, 0, 50, None, EMPLOYEE_FIELDS))
        ids, two_ms = timed(lambda: rpc.model('company.employee', 'search',
                domain, 0, 50, None))
        _, read_ms = timed(lambda: rpc.model('company.employee', 'read', ids,
                EMPLOYEE_FIELDS))
        if sorted(r['id'] for r in one) != sorted(ids):
            raise StepError('the two ways differ for %r' % term)
        if not one:
            raise StepError('no employee found for %r' % term)
        if n >= WARMUP:
            times['one'].append(one_ms)
            times['two'].append(two_ms + read_ms)
    return [Row(NAME, backend,
            'employee search by CNIC or name, `search_read`: p%s of %s'
            % (p, calls), percentile(times['one'], p), 'ms',
            '`search` then `read`: p%s of %s' % (p, calls),
            percentile(times['two'], p)) for p in (50, 95)]
