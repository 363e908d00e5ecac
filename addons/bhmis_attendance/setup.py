# SPDX-License-Identifier: GPL-3.0-or-later
"""What every BHMIS database needs for attendance: Pakistan's time zone on
the company, so that check-ins fall on the right local day."""
from trytond.pool import Pool

TIMEZONE = 'Asia/Karachi'


def run():
    Company = Pool().get('company.company')
    companies = Company.search([('timezone', '=', None)])
    if companies:
        Company.write(companies, {'timezone': TIMEZONE})
