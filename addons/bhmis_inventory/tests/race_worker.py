# SPDX-License-Identifier: GPL-3.0-or-later
"""One store keeper of test_issue_race: issue the given stock issue in
its own process and transaction once the other keeper is ready too.

Usage: python -m bhmis_inventory.tests.race_worker DB_NAME ISSUE USER
COMPANY BARRIER_DIR NAME. Prints one line: "done", or the name of the error."""
import os
import sys
import time


def wait_for_peer(barrier, name, timeout=60):
    "Both workers hold their snapshot before either issues"
    open(os.path.join(barrier, name), 'w').close()
    deadline = time.monotonic() + timeout
    while len(os.listdir(barrier)) < 2:
        if time.monotonic() > deadline:
            raise RuntimeError("the other worker never got ready")
        time.sleep(0.01)


def issue(database, issue_id, user_id, company_id, barrier=None,
        name=None):
    """Issue in a transaction of the user, restarted as Tryton's dispatcher
    does when records must be locked from its start"""
    from trytond.exceptions import UserError
    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError
    pool = Pool(database)
    extras = {}
    while True:
        with Transaction().start(database, user_id, context={
                    'company': company_id,
                    'companies': [company_id]},
                **extras) as transaction:
            Issue = pool.get('bhmis.stock.issue')
            Issue.read([issue_id], ['state'])
            if barrier:
                wait_for_peer(barrier, name)
                barrier = None
            try:
                with transaction.set_context(_check_access=True):
                    Issue.do([Issue(issue_id)])
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                continue
            except UserError as error:
                transaction.rollback()
                print(error.message, file=sys.stderr)
                return type(error).__name__
            transaction.commit()
        return 'done'


def main(database, issue_id, user_id, company_id, barrier, name):
    from trytond import config
    from trytond.backend import DatabaseOperationalError
    config.set('database', 'uri', os.environ['TRYTOND_DATABASE_URI'])
    from trytond.pool import Pool
    Pool.start()
    Pool(database).init()
    for attempt in range(20):
        try:
            outcome = issue(database, int(issue_id), int(user_id),
                int(company_id), barrier, name)
            break
        except DatabaseOperationalError:
            # The other keeper holds the lot: retry as the dispatcher does
            barrier = None
            time.sleep(0.5)
    else:
        outcome = 'locked'
    print(outcome)


if __name__ == '__main__':
    main(*sys.argv[1:])
