# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for tests of bhmis_hr: designations, employees and postings."""
import datetime as dt

from trytond.pool import Pool
from trytond.transaction import Transaction


def designation(code):
    Designation = Pool().get('bhmis.designation')
    record, = Designation.search([('code', '=', code)])
    return record


def create_employee(company, number, name, facility=None, code='MO',
        start=dt.date(2020, 1, 1), **values):
    "Create an employee, posted at facility from start when given"
    pool = Pool()
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    Posting = pool.get('bhmis.posting')
    party, = Party.create([{'name': name}])
    post = designation(code)
    employee, = Employee.create([dict({
                    'party': party.id, 'company': company.id,
                    'personnel_number': number, 'designation': post.id,
                    'cadre': post.cadre.id}, **values)])
    if facility:
        # An officer posting beyond the sanctioned posts acknowledges it
        with Transaction().set_context(_skip_warnings=True):
            Posting.create([{'employee': employee.id, 'facility': facility.id,
                        'designation': post.id, 'start_date': start}])
    return Employee(employee.id)


def sanction(facility, code, count):
    Post = Pool().get('bhmis.sanctioned_post')
    post, = Post.create([{'facility': facility.id,
                'designation': designation(code).id, 'count': count}])
    return post
