# SPDX-License-Identifier: GPL-3.0-or-later
"""bhmis: create, fill, import into and serve a BHMIS database.

Settings come from the environment, then config/bhmis.conf:
  BHMIS_DATABASE_URI  Tryton database URI (default sqlite://, files in var/db/)
  BHMIS_DB            database name (default bhmis)
  BHMIS_ADMIN_PASSWORD  admin password (else generated into var/admin-password)
  BHMIS_VAR           folder for the database, passwords and configuration
"""
import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from . import attendance, backup, database, demo, hooks, reports, server
from . import settings as settings_


def cmd_init(settings, options):
    settings_.write_trytond_conf(settings)
    created = database.create(settings)
    # A password is made only for a database Tryton installs now: printed
    # for an installed one, it would not be admin's
    password, generated = settings_.admin_password(settings,
        generate=created or not database.is_initialised(settings))
    database.upgrade(settings, password)
    with database.open_pool(settings, context={'language': 'en'}) as (
            pool, transaction):
        database.skip_setup_wizard(pool)
        hooks.setup(pool)
        if options.demo:
            loaded = demo.load(pool, options.demo)
            # Demo users are created after the first setup
            hooks.setup(pool)
    if options.demo:
        print("bhmis: %s demo data loaded %s" % (options.demo, loaded))
    print("bhmis: database %r %s on %s" % (settings.db,
            "created" if created else "upgraded", settings.backend))
    if generated:
        print("bhmis: admin login: admin / %s  (also in %s, shown once)"
            % (password, settings.admin_password_file))
    elif password is None:
        print("bhmis: admin login: admin (password unchanged)")
    else:
        print("bhmis: admin login: admin (password from %s)" % (
                'BHMIS_ADMIN_PASSWORD'
                if not settings.admin_password_file.exists()
                else settings.admin_password_file))
    return 0


def cmd_serve(settings, options):
    try:
        if not initialised(settings):
            return 1
    except database.Unreachable as error:
        print("bhmis: %s" % error, file=sys.stderr)
        return 1
    host = options.host or settings.host
    port = options.port or settings.port
    print("bhmis: back office http://%s:%s/admin/  RPC /%s/rpc/  "
        "health /health" % (host, port, settings.db), flush=True)
    return server.serve(settings, host, port, workers=options.workers,
        threads=options.threads, timeout=options.timeout)


def initialised(settings):
    "Tell whether the database is ready, else say how to make it so"
    if database.is_initialised(settings):
        return True
    print("bhmis: database %r is not initialised; run `bhmis init` first"
        % settings.db, file=sys.stderr)
    return False


def import_file(settings, options, importer, noun):
    """Import options.file with importer(data, filename) as options.user_id;
    print every problem and return 1 if nothing was written."""
    path = Path(options.file)
    if not path.is_file():
        print("bhmis: %s: no such file" % path, file=sys.stderr)
        return 1
    if not initialised(settings):
        return 1
    from trytond.exceptions import UserError
    try:
        with database.open_pool(settings, user=options.user_id,
                context={'language': 'en'}) as (pool, transaction):
            created, updated, warnings = importer(
                path.read_bytes(), path.name)
    except UserError as exception:
        # The import errors of BHMIS carry every problem of the file
        problems = getattr(exception, 'problems', None)
        if problems:
            print("bhmis: %s: not imported, nothing was written:" % path,
                file=sys.stderr)
            for problem in problems:
                print("  %s" % problem, file=sys.stderr)
        else:
            print("bhmis: %s: not imported, nothing was written: %s"
                % (path, exception.message), file=sys.stderr)
        return 1
    for warning in warnings:
        print("bhmis: warning: %s" % warning)
    print("bhmis: %s: %s %s created, %s updated"
        % (path, created, noun, updated))
    return 0


def cmd_import_facilities(settings, options):
    from bhmis_base.facility_import import import_facilities
    return import_file(settings, options, import_facilities, "facilities")


def cmd_import_employees(settings, options):
    from bhmis_hr.employee_import import import_employees
    return import_file(settings, options, import_employees, "employees")


def cmd_import_medicines(settings, options):
    from bhmis_inventory.medicine_import import import_medicines
    return import_file(settings, options, import_medicines, "medicines")


def cmd_report(settings, options):
    if not initialised(settings):
        return 1
    render = dict(reports.available())[options.name]
    if (options.date_from and options.date_to
            and options.date_from > options.date_to):
        print("bhmis: --from %s is after --to %s"
            % (options.date_from, options.date_to), file=sys.stderr)
        return 1
    context = {'language': options.language, '_check_access': True}
    with database.open_pool(settings, user=options.user_id,
            context=context) as (pool, transaction):
        found = {}
        for model, code in [('bhmis.district', options.district),
                ('bhmis.facility', options.facility)]:
            if code:
                records = pool.get(model).search([('code', '=', code)])
                if not records:
                    print("bhmis: no %s with the code %r (or not yours)"
                        % (model.split('.')[1], code), file=sys.stderr)
                    return 1
                found[model], = records
        filename, data = render(options.name,
            district=found.get('bhmis.district'),
            facility=found.get('bhmis.facility'), year=options.year,
            date=options.date, month=options.month,
            date_from=options.date_from, date_to=options.date_to)
    output = Path(options.output or filename)
    output.write_bytes(data)
    print("bhmis: %s written to %s" % (options.name, output))
    return 0


def parser():
    root = argparse.ArgumentParser(prog='bhmis', description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = root.add_subparsers(dest='command', required=True)

    init = commands.add_parser('init',
        help="create or upgrade the database; re-running loses nothing")
    init.add_argument('--demo', choices=demo.SIZES,
        help="also load demo data: small (2 districts) or province "
        "(37 districts, ~1,800 facilities)")
    init.set_defaults(func=cmd_init)

    serve = commands.add_parser('serve',
        help="serve the web client, RPC, cron and the queue worker")
    serve.add_argument('--host', help="address to listen on")
    serve.add_argument('--port', type=int, help="port to listen on")
    serve.add_argument('--workers', type=int,
        help="web processes (default: [bhmis] workers, else one per core "
        "up to 4; always 1 on SQLite)")
    serve.add_argument('--threads', type=int,
        help="threads per web process (default: [bhmis] threads, 8)")
    serve.add_argument('--timeout', type=int,
        help="seconds before a silent web process is replaced (default: "
        "[bhmis] timeout, 120)")
    serve.set_defaults(func=cmd_serve)

    import_ = commands.add_parser('import', help="import data from a file")
    kinds = import_.add_subparsers(dest='kind', required=True)
    facilities = kinds.add_parser('facilities',
        help="facilities from CSV or XLSX (all rows or none; updates by code)")
    facilities.add_argument('file')
    facilities.add_argument('--user-id', type=int, default=1,
        help="import as this user id (default: 1, admin)")
    facilities.set_defaults(func=cmd_import_facilities)
    employees = kinds.add_parser('employees',
        help="employees and their initial posting from CSV or XLSX "
        "(all rows or none; updates by personnel number)")
    employees.add_argument('file')
    employees.add_argument('--user-id', type=int, default=1,
        help="import as this user id (default: 1, admin)")
    employees.set_defaults(func=cmd_import_employees)
    medicines = kinds.add_parser('medicines',
        help="the medicine catalogue from CSV or XLSX (all rows or none; "
        "updates by code)")
    medicines.add_argument('file')
    medicines.add_argument('--user-id', type=int, default=1,
        help="import as this user id (default: 1, admin)")
    medicines.set_defaults(func=cmd_import_medicines)

    names = [name for name, _ in reports.available()]
    report = commands.add_parser('report',
        help="write a report as XLSX (%s)" % ", ".join(names))
    report.add_argument('name', choices=names)
    report.add_argument('--output', help="the XLSX file (default NAME.xlsx)")
    report.add_argument('--district', help="only this district (code)")
    report.add_argument('--facility', help="only this facility (code)")
    report.add_argument('--year', type=int,
        help="the year of the leave register (default this year)")
    report.add_argument('--date', type=date,
        help="the day of the daily attendance (default yesterday)")
    report.add_argument('--month', type=month,
        help="the month of the absenteeism report, YYYY-MM (default this "
        "month)")
    report.add_argument('--from', dest='date_from', type=date,
        help="the first day of filing, YYYY-MM-DD (complaint reports)")
    report.add_argument('--to', dest='date_to', type=date,
        help="the last day of filing, included (complaint reports)")
    report.add_argument('--language', default='en', choices=['en', 'ur'])
    report.add_argument('--user-id', type=int, default=1,
        help="as this user, under their record rules (default: 1, admin)")
    report.set_defaults(func=cmd_report)
    attendance.add_parser(commands)
    backup.add_parser(commands)
    return root


def date(value):
    return dt.date.fromisoformat(value)


def month(value):
    try:
        return dt.datetime.strptime(value, '%Y-%m').date()
    except ValueError:
        raise argparse.ArgumentTypeError("expected YYYY-MM: %r" % value)


def main(argv=None):
    settings = settings_.load()
    # Before anything imports Tryton, which reads its configuration once
    settings_.write_trytond_conf(settings)
    os.environ['TRYTOND_CONFIG'] = str(settings.trytond_conf)
    options = parser().parse_args(argv)
    return options.func(settings, options)


if __name__ == '__main__':
    sys.exit(main())
