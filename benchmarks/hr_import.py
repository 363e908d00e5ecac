# SPDX-License-Identifier: GPL-3.0-or-later
"""`bhmis import employees` of 30,000 rows (with their initial postings)
into the small demo database, as an HR officer loads the province's
spreadsheets. Target: under 2 minutes.

Baseline, in the same run: the same import code writing one row per ORM
call (batches of 1), on the first 1,500 rows of another file; compared as
time per 1,000 rows.
"""
import random
import sys

from . import Row

NAME = 'import'
ROWS = 30_000
NAIVE_ROWS = 1_500
COLUMNS = ('personnel_number', 'cnic', 'name', 'father_name', 'gender',
    'date_of_birth', 'domicile_district', 'cadre', 'designation', 'bps',
    'employment_type', 'date_of_joining', 'facility_code', 'posting_start')
# Facilities of the small demo that are never closed
FACILITIES = ['QUETTA-CIVIL-001', 'QUETTA-DHQ-001', 'QUETTA-RHC-001',
    'PISHIN-DHQ-001']
DESIGNATIONS = ['MO', 'WMO', 'SN', 'LHV', 'DISP', 'Medical Technician']
NAIVE = r'''
import os
import sys
from bhmis import settings
# Tryton reads its configuration once, at its first import
config = settings.load()
settings.write_trytond_conf(config)
os.environ['TRYTOND_CONFIG'] = str(config.trytond_conf)
import bhmis_hr.employee_import as employee_import
employee_import.BATCH = 1
employee_import._chunks = lambda values, size=1: (
    values[i:i + 1] for i in range(len(values)))
from bhmis.cli import main
sys.exit(main(['import', 'employees', sys.argv[1]]))
'''


def generate(path, prefix, rows, seed):
    rng = random.Random(seed)
    with open(path, 'w', encoding='utf-8') as fp:
        fp.write(','.join(COLUMNS) + '\n')
        for n in range(rows):
            joined = '%04d-%02d-%02d' % (rng.randint(1990, 2025),
                rng.randint(1, 12), rng.randint(1, 28))
            fp.write(','.join([
                        '%s-%06d' % (prefix, n),
                        '%d%04d-%07d-%d' % (
                            7 if prefix == 'IMP' else 8, n // 10_000_000,
                            n % 10_000_000, rng.randint(0, 9)),
                        'Employee %s %d' % (prefix, n), 'Father %d' % n,
                        rng.choice(['male', 'female']),
                        '%02d/%02d/%04d' % (rng.randint(1, 28),
                            rng.randint(1, 12), rng.randint(1960, 1998)),
                        rng.choice(['Quetta', 'Pishin', 'Kech']), '',
                        rng.choice(DESIGNATIONS), str(rng.randint(9, 17)),
                        rng.choice(['regular', 'contract']), joined,
                        rng.choice(FACILITIES), '']) + '\n')


def run(workspace, backend, log):
    inst = workspace.instance(backend, 'import')
    log('init --demo small (not timed)')
    inst.bhmis('init', '--demo', 'small')
    batched_file = inst.var / 'employees-30000.csv'
    naive_file = inst.var / 'employees-naive.csv'
    generate(batched_file, 'IMP', ROWS, 1)
    generate(naive_file, 'NAIVE', NAIVE_ROWS, 2)
    log('import %s rows, batched' % ROWS)
    batched = inst.bhmis('import', 'employees', str(batched_file))
    log('import %s rows, one row per call' % NAIVE_ROWS)
    naive = inst.run(sys.executable, '-c', NAIVE, str(naive_file))
    return [
        Row(NAME, backend, 'import %s employees with postings: wall time'
            % ROWS, batched, 's', 'the 2-minute target', 120.0),
        Row(NAME, backend, 'import time per 1,000 employees',
            batched / ROWS * 1000, 's',
            'one row per ORM call (on %s rows)' % NAIVE_ROWS,
            naive / NAIVE_ROWS * 1000),
        ]
