# SPDX-License-Identifier: GPL-3.0-or-later
"""`bhmis attendance ...`: register kiosks and phones, enrol faces and
compute daily attendance from the command line."""
import datetime as dt
import sys
from pathlib import Path

from . import database


def add_parser(commands):
    parser = commands.add_parser('attendance',
        help="attendance devices, face enrolment, daily attendance")
    actions = parser.add_subparsers(dest='action', required=True)

    device = actions.add_parser('device-add',
        help="register a kiosk or phone and print its key (shown once)")
    device.add_argument('--facility', required=True,
        help="the facility code")
    device.add_argument('--kind', choices=['kiosk', 'phone'],
        default='kiosk')
    device.add_argument('--liveness', choices=['on', 'off'], default='on',
        help="ask for a blink at check-in (default on)")
    device.add_argument('--name', help="a name for the device")
    device.set_defaults(func=cmd_device_add)

    revoke = actions.add_parser('device-revoke',
        help="refuse a device's key from now on")
    revoke.add_argument('code', help="the device code")
    revoke.set_defaults(func=cmd_device_revoke)

    key = actions.add_parser('device-key',
        help="give a device a new key (the old one stops working); print "
        "it once")
    key.add_argument('code', help="the device code")
    key.set_defaults(func=cmd_device_key)

    enrol = actions.add_parser('enrol',
        help="enrol an employee's face from 1 to 5 photos")
    enrol.add_argument('--employee', required=True,
        help="the personnel number")
    enrol.add_argument('images', nargs='+', help="JPEG or PNG photos")
    enrol.set_defaults(func=cmd_enrol)

    daily = actions.add_parser('compute-daily',
        help="compute the daily attendance of a day (default yesterday)")
    daily.add_argument('--date', type=dt.date.fromisoformat)
    daily.set_defaults(func=cmd_compute_daily)


def fail(message):
    print("bhmis: %s" % message, file=sys.stderr)
    return 1


def cmd_device_add(settings, options):
    from trytond.exceptions import UserError
    with database.open_pool(settings, context={'language': 'en'}) as (
            pool, transaction):
        Facility = pool.get('bhmis.facility')
        Device = pool.get('bhmis.attendance.device')
        facilities = Facility.search([('code', '=', options.facility)])
        if not facilities:
            return fail("no facility with the code %r" % options.facility)
        facility, = facilities
        try:
            device, key = Device.register(facility, kind=options.kind,
                liveness=options.liveness == 'on', name=options.name)
        except UserError as error:
            return fail(error.message)
        code, name = device.code, facility.name
    print("Device: %s" % code)
    print("Facility: %s (%s)" % (name, options.facility))
    print("Kind: %s, liveness %s" % (options.kind, options.liveness))
    print("Kiosk page: /%s/bhmis/kiosk/%s" % (settings.db, code))
    print("Device key (shown once; keep it secret): %s" % key)
    return 0


def cmd_device_revoke(settings, options):
    with database.open_pool(settings, context={'language': 'en'}) as (
            pool, transaction):
        Device = pool.get('bhmis.attendance.device')
        devices = Device.search([('code', '=', options.code)])
        if not devices:
            return fail("no active device with the code %r" % options.code)
        Device.revoke(devices)
    print("bhmis: device %s revoked" % options.code)
    return 0


def cmd_device_key(settings, options):
    with database.open_pool(settings, context={
                'language': 'en', 'active_test': False}) as (
            pool, transaction):
        Device = pool.get('bhmis.attendance.device')
        devices = Device.search([('code', '=', options.code)])
        if not devices:
            return fail("no device with the code %r" % options.code)
        key = Device.new_key(devices[0])
    print("Device: %s" % options.code)
    print("Device key (shown once; keep it secret): %s" % key)
    return 0


def cmd_enrol(settings, options):
    photos = []
    for name in options.images:
        path = Path(name)
        if not path.is_file():
            return fail("%s: no such file" % path)
        photos.append(path.read_bytes())
    from trytond.exceptions import UserError
    try:
        with database.open_pool(settings, context={'language': 'en'}) as (
                pool, transaction):
            Employee = pool.get('company.employee')
            Face = pool.get('bhmis.attendance.face')
            employees = Employee.search([
                    ('personnel_number', '=', options.employee)])
            if not employees:
                return fail("no employee with the personnel number %r"
                    % options.employee)
            employee, = employees
            faces, refused = Face.enrol_or_flag(employee, photos,
                source='command')
            if refused:
                # The flag to HR is committed with this transaction
                print("bhmis: not enrolled: %s" % refused.message,
                    file=sys.stderr)
                return 1
            name = employee.party.name
    except UserError as error:
        return fail("not enrolled, nothing was written: %s" % error.message)
    print("Enrolled %s photo(s) of %s (%s)" % (
            len(faces), name, options.employee))
    return 0


def cmd_compute_daily(settings, options):
    with database.open_pool(settings, context={'language': 'en'}) as (
            pool, transaction):
        Day = pool.get('bhmis.attendance.day')
        Date = pool.get('ir.date')
        date = options.date or Date.today() - dt.timedelta(days=1)
        count = Day.compute(date)
    print("bhmis: daily attendance of %s computed for %s employees"
        % (date, count))
    return 0
