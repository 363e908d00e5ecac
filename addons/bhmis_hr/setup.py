# SPDX-License-Identifier: GPL-3.0-or-later
"""What every BHMIS database needs for HR: the Health Department as the
company of every employee, in Pakistani rupees."""
from trytond.pool import Pool

COMPANY_NAME = "Health Department, Government of Balochistan"


def run():
    pool = Pool()
    Company = pool.get('company.company')
    Currency = pool.get('currency.currency')
    Party = pool.get('party.party')
    User = pool.get('res.user')
    companies = Company.search([], limit=1)
    if companies:
        company, = companies
    else:
        currencies = Currency.search([('code', '=', 'PKR')], limit=1)
        if currencies:
            currency, = currencies
        else:
            currency, = Currency.create([{'code': 'PKR', 'numeric_code': '586',
                        'name': "Pakistani Rupee", 'symbol': 'Rs'}])
        party, = Party.create([{'name': COMPANY_NAME}])
        company, = Company.create([{'party': party.id,
                    'currency': currency.id}])
    users = User.search([('login', '!=', 'root')])
    without = [u for u in users if company not in u.companies]
    if without:
        User.write(without, {'companies': [('add', [company.id])],
                'company': company.id})
    return company
