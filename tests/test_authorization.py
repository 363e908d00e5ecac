# SPDX-License-Identifier: GPL-3.0-or-later
"""Authorization checks generated from the models (issue 12).

Every model that holds BHMIS data is classified in KNOWN_MODELS: scoped
(by the paths to its facility), a summary, a note or attachment, a
catalogue (who reads, who edits) or not on RPC at all.  A model found on
the served database and not classified, or classified and gone, fails
the suite, and so does a scope rule that differs from the table.

Then, for every classified model and every demo role, over RPC as sao
talks to the server:

- search: the role sees only records in its scope (the expected scope is
  computed from the role's districts and facilities and the values at
  the model's paths, read as administrator), or is refused the model;
- read by id, write, create, delete and every button on a record out of
  the role's scope (or seen but not held at every end, or any record for
  the read-only provincial manager and for catalogues the role does not
  edit) are refused by access control (a refusal for another reason, a
  state or a constraint checked first, tells nothing, unless its message
  names the record the role may not read);
- workflow states are never written by hand, not even by the
  administrator;
- secrets are read, searched and ordered by nobody, personal and
  biometric fields only by who needs them.

Checks run on a copy of the small demo of their own: a check that finds a
hole may change the database.
"""
import io
import re
import subprocess
import sys

import pytest
from PIL import Image
from skimage import data as skimage_data

from bhmis_base.scope import SCOPE_RULE_NAME, SCOPE_WRITE_RULE_NAME
from tests import test_attendance_api as attendance_api
from tests.authz import (
    EVERYONE,
    STATE_FIELDS,
    TALLY,
    CellScoped,
    LocalCatalogue,
    NotOnRPC,
    Resource,
    Scoped,
    Summary,
    Unscoped,
    World,
    decode_rules,
    values_at,
)
from tests.authz_reports import Places, report_wizards, run_report
from tests.conftest import ROOT, copy_instance

HR = ('hr.quetta', 'hr.province')
STORE = ('store.quetta',)
TRANSIENT = NotOnRPC('transient')
INTERNAL = NotOnRPC('internal')
CATALOGUE = Unscoped(readers=EVERYONE, editors=())
# The province's catalogues are changed by the province's HR officer, not
# a district's (bhmis_base.scope.ProvinceCatalogueMixin)
HR_CATALOGUE = Unscoped(readers=EVERYONE, editors=('hr.province',))


# Those who manage staff: who read personal records such as hours worked
STAFF_MANAGERS = ('admin', 'manager', 'dho.quetta', 'incharge.civil',
    'hr.quetta', 'hr.province')


def by_employee(**kwargs):
    return Scoped(('employee.facility',), **kwargs)


def by_facility(**kwargs):
    return Scoped(('facility',), **kwargs)


# How each model holding BHMIS data is seen and changed.  Classify a new
# model here the day it is added.
KNOWN_MODELS = {
    # bhmis_base
    'bhmis.division': CATALOGUE,
    'bhmis.district': CATALOGUE,
    'bhmis.tehsil': CATALOGUE,
    # A store keeper also reads the facilities at the other end of their
    # dispatches; changed only by who holds the facility itself
    'bhmis.facility': Scoped(('id', 'locations.supplied_stores.facility',
            'locations.parent_store.facility'), write=('id',)),
    'bhmis.facility.status_change': by_facility(),
    'bhmis.facility.summary': Summary('bhmis.facility', 'facilities'),
    'bhmis.facility.import.start': TRANSIENT,
    'bhmis.facility.import.result': TRANSIENT,
    'res.user-bhmis.district': INTERNAL,
    'res.user-bhmis.facility': INTERNAL,
    # bhmis_hr
    'bhmis.cadre': HR_CATALOGUE,
    'bhmis.designation': HR_CATALOGUE,
    'bhmis.leave.type': HR_CATALOGUE,
    'bhmis.employee.status_change': by_employee(),
    'bhmis.employee.qualification': by_employee(),
    'bhmis.employee.registration': by_employee(),
    'bhmis.sanctioned_post': by_facility(),
    'bhmis.posting': by_facility(),
    'bhmis.vacancy': by_facility(),
    'bhmis.transfer': Scoped(('from_facility', 'to_facility'),
        write=('employee.facility', 'from_facility', 'to_facility'),
        buttons=(('relieve', ('from_facility',)),
            ('join', ('to_facility',)))),
    'bhmis.leave.request': by_employee(),
    'bhmis.leave.balance': by_employee(),
    'bhmis.leave.balance.context': TRANSIENT,
    'bhmis.employee.import.start': TRANSIENT,
    'bhmis.employee.import.result': TRANSIENT,
    'bhmis.hr.report.start': TRANSIENT,
    'bhmis.hr.report.result': TRANSIENT,
    # bhmis_attendance
    'bhmis.attendance.configuration': CATALOGUE,
    'bhmis.attendance.shift': HR_CATALOGUE,
    # A district's HR officer declares the district's local holidays
    'bhmis.attendance.holiday': LocalCatalogue(editors=HR),
    'bhmis.attendance.device': by_facility(),
    'bhmis.attendance.event': by_facility(),
    'bhmis.attendance.face': by_employee(),
    'bhmis.attendance.duplicate_flag': Scoped(
        ('employee.facility', 'other.facility'),
        write=('employee.facility',)),
    'bhmis.attendance.biometric_log': by_employee(),
    'bhmis.attendance.gallery_state': INTERNAL,
    'bhmis.attendance.roster': by_facility(),
    'bhmis.attendance.roster.line': Scoped(('roster.facility',)),
    'bhmis.attendance.official_duty': by_employee(),
    'bhmis.attendance.day': by_facility(),
    'bhmis.attendance.absenteeism': by_facility(),
    'bhmis.attendance.facility_today': by_facility(),
    'bhmis.attendance.district_today': Scoped(districts=('district',)),
    'bhmis.attendance.today.context': TRANSIENT,
    'bhmis.attendance.enrol.start': TRANSIENT,
    'bhmis.attendance.report.start': TRANSIENT,
    'bhmis.attendance.report.result': TRANSIENT,
    # bhmis_inventory
    'bhmis.inventory.category': CATALOGUE,
    'bhmis.inventory.configuration': CATALOGUE,
    'bhmis.inventory.stock_level': CATALOGUE,
    'bhmis.equipment.category': CATALOGUE,
    'bhmis.equipment.category-bhmis.designation': INTERNAL,
    'bhmis.equipment': by_facility(),
    'bhmis.equipment.status_change': Scoped(('equipment.facility',)),
    'bhmis.equipment.maintenance': Scoped(('equipment.facility',)),
    # The item's facility sends it, the receiving facility confirms
    'bhmis.equipment.transfer': Scoped(
        ('from_facility', 'to_facility', 'equipment.facility'),
        write=('equipment.facility', 'from_facility', 'to_facility'),
        buttons=tuple((b, ('equipment.facility',))
            for b in ['send', 'cancel', 'draft'])
        + (('do', ('to_facility',)),)),
    'bhmis.equipment.summary': Summary('bhmis.equipment', 'total'),
    # The supplying side approves
    'bhmis.inventory.requisition': Scoped(('facility', 'supplier_facility'),
        write=('facility',), buttons=(('approve', ('supplier_facility',)),)),
    'bhmis.inventory.requisition.line': Scoped(
        ('requisition.facility', 'requisition.supplier_facility'),
        write=('requisition.facility',)),
    'bhmis.dispatch.confirmation': Scoped(
        ('shipment.to_location.facility', 'shipment.from_location.facility')),
    'bhmis.dispatch.confirmation.line': Scoped(
        ('confirmation.shipment.to_location.facility',
            'confirmation.shipment.from_location.facility')),
    'bhmis.stock.issue': Scoped(('store.facility',)),
    'bhmis.stock.issue.line': Scoped(('issue.store.facility',)),
    'bhmis.stock.adjustment': Scoped(('store.facility',)),
    'bhmis.stock.adjustment.line': Scoped(('adjustment.store.facility',)),
    'bhmis.inventory.stock_card': by_facility(),
    'bhmis.inventory.indicator': by_facility(),
    'bhmis.inventory.indicator.compute.start': TRANSIENT,
    'bhmis.inventory.requisition.propose.start': TRANSIENT,
    'bhmis.inventory.medicine.import.start': TRANSIENT,
    'bhmis.inventory.medicine.import.result': TRANSIENT,
    'bhmis.inventory.report.start': TRANSIENT,
    'bhmis.inventory.report.result': TRANSIENT,
    # Tryton's models that hold BHMIS data
    'res.user': CATALOGUE,
    'company.employee': Scoped(
        ('facility', 'transfers.from_facility', 'transfers.to_facility'),
        write=('facility',)),
    # Hours worked: read by those who manage staff, in their scope
    'attendance.line': by_employee(readers=STAFF_MANAGERS),
    'attendance.sheet': by_employee(readers=STAFF_MANAGERS),
    'attendance.sheet.line': by_employee(readers=STAFF_MANAGERS),
    'stock.location': Scoped(('facility', 'supplied_stores.facility',
            'parent.supplied_stores.facility', 'parent_store.facility',
            'parent.parent_store.facility'),
        districts=('facility.district',), empty=('facility',)),
    'stock.move': Scoped(('from_location.facility', 'to_location.facility',
            'shipment.from_location.facility',
            'shipment.to_location.facility'),
        references=(('shipment', 'stock.shipment.internal'),)),
    # The sending store dispatches, the receiving store confirms
    'stock.shipment.internal': Scoped(
        ('from_location.facility', 'to_location.facility'),
        buttons=tuple((b, ('from_location.facility',)) for b in [
                'bhmis_dispatch', 'wait', 'assign_try', 'assign_force',
                'pack', 'ship', 'cancel', 'draft'])
        + tuple((b, ('to_location.facility',))
            for b in ['bhmis_confirm', 'do'])),
    'stock.shipment.in': Scoped(('warehouse.facility',)),
    'stock.inventory': Scoped(('location.facility',)),
    'stock.inventory.line': Scoped(('inventory.location.facility',),
        via='inventory'),
    'stock.lot': Unscoped(readers=STORE, editors=STORE),
    'product.product': CATALOGUE,
    'ir.attachment': Resource(),
    'ir.note': Resource(),
    # bhmis_complaints: the 1129 cell sees every complaint; a DHO their
    # districts', a focal person their facility's
    'bhmis.complaint': CellScoped(('facility',), districts=('district',)),
    'bhmis.complaint.transition': CellScoped(('complaint.facility',),
        districts=('complaint.district',)),
    'bhmis.complaint.escalation': CellScoped(('complaint.facility',),
        districts=('complaint.district',)),
    'bhmis.complaint.call': CellScoped(('complaint.facility',),
        districts=('complaint.district',)),
    # The SMS to the citizen: read with the complaint, written by the
    # system only
    'bhmis.complaint.message': CellScoped(('complaint.facility',),
        districts=('complaint.district',)),
    'bhmis.complaint.category': CATALOGUE,
    'bhmis.complaint.routing': Unscoped(
        readers=('admin', 'complaints', 'dho.quetta', 'dho.pishin',
            'focal.civil', 'manager'),
        editors=('complaints',)),
    # bhmis_website: published to the public; changed by the web editors
    # (no demo role)
    'bhmis.web.page': CATALOGUE,
    'bhmis.web.news': CATALOGUE,
    'bhmis.web.document': CATALOGUE,
    # The live sections' province-wide switches: read by everyone (the
    # facility pages), changed by administrators only
    'bhmis.website.live_configuration': CATALOGUE,
    }
SINGLETONS = ('bhmis.attendance.configuration',
    'bhmis.inventory.configuration', 'bhmis.website.live_configuration')
# Tryton's models holding BHMIS data, classified with the bhmis_* ones
# (and every model a BHMIS scope rule is installed on)
TRYTON_MODELS = ('company.employee', 'attendance.line', 'attendance.sheet',
    'attendance.sheet.line', 'stock.move', 'stock.shipment.internal',
    'stock.shipment.in', 'stock.inventory', 'stock.inventory.line',
    'stock.location', 'stock.lot', 'product.product', 'ir.attachment',
    'ir.note', 'res.user')

# The demo roles (README): scoped to districts or facilities, or
# province-wide; the provincial manager only reads
SCOPED_ROLES = ('dho.quetta', 'incharge.civil', 'hr.quetta', 'store.quetta',
    'focal.civil')
UNRESTRICTED_ROLES = ('manager', 'hr.province', 'dhis2', 'complaints')
READ_ONLY_ROLES = ('manager',)
# Buttons the provincial manager presses all the same
MANAGER_BUTTONS = {}
ROLES = SCOPED_ROLES + UNRESTRICTED_ROLES

# Fields nobody reads or searches, and personal or biometric fields read
# only by the roles named
NOBODY = ()
HR_READERS = ('admin', 'hr.quetta', 'hr.province')
# The attendance administration group (biometric data)
BIOMETRIC_READERS = ('admin', 'incharge.civil')
SECRET_FIELDS = {
    ('res.user', 'password_hash'): NOBODY,
    ('res.user', 'password_reset'): NOBODY,
    ('res.user', 'password_reset_expire'): NOBODY,
    ('bhmis.attendance.device', 'key_hash'): NOBODY,
    ('company.employee', 'cnic'): HR_READERS,
    ('company.employee', 'phone'): HR_READERS,
    ('company.employee', 'birth_date'): HR_READERS,
    ('bhmis.attendance.face', 'encoding'): BIOMETRIC_READERS,
    ('bhmis.attendance.face', 'photo'): BIOMETRIC_READERS,
    ('bhmis.attendance.event', 'evidence'): BIOMETRIC_READERS,
    ('bhmis.attendance.event', 'enrolled_photo'): BIOMETRIC_READERS,
    # The complainant: the 1129 cell only (issue 14)
    ('bhmis.complaint', 'complainant_name'): ('admin', 'complaints'),
    ('bhmis.complaint', 'phone'): ('admin', 'complaints'),
    ('bhmis.complaint', 'cnic'): ('admin', 'complaints'),
    }
# The shape of the models, checked against the server by
# test_model_shapes_are_known (a model gaining a button or losing its last
# writable field fails it until listed): no button to press, no field a
# user writes (only the workflow, the system or its parent does)
BUTTONLESS = frozenset({
    'attendance.line', 'attendance.sheet', 'attendance.sheet.line',
    'bhmis.attendance.absenteeism', 'bhmis.attendance.biometric_log',
    'bhmis.attendance.configuration', 'bhmis.attendance.day',
    'bhmis.attendance.district_today', 'bhmis.attendance.duplicate_flag',
    'bhmis.attendance.face', 'bhmis.attendance.facility_today',
    'bhmis.attendance.holiday', 'bhmis.attendance.official_duty',
    'bhmis.attendance.roster.line', 'bhmis.attendance.shift', 'bhmis.cadre',
    'bhmis.complaint.call', 'bhmis.complaint.category',
    'bhmis.complaint.escalation', 'bhmis.complaint.message',
    'bhmis.complaint.routing', 'bhmis.complaint.transition',
    'bhmis.designation', 'bhmis.dispatch.confirmation',
    'bhmis.dispatch.confirmation.line', 'bhmis.district', 'bhmis.division',
    'bhmis.employee.qualification', 'bhmis.employee.registration',
    'bhmis.employee.status_change', 'bhmis.equipment.category',
    'bhmis.equipment.status_change', 'bhmis.equipment.summary',
    'bhmis.facility.status_change', 'bhmis.facility.summary',
    'bhmis.inventory.category', 'bhmis.inventory.configuration',
    'bhmis.inventory.indicator', 'bhmis.inventory.requisition.line',
    'bhmis.inventory.stock_card', 'bhmis.inventory.stock_level',
    'bhmis.leave.balance', 'bhmis.leave.type', 'bhmis.posting',
    'bhmis.sanctioned_post', 'bhmis.stock.adjustment.line',
    'bhmis.stock.issue.line', 'bhmis.tehsil', 'bhmis.vacancy',
    'bhmis.web.document', 'bhmis.website.live_configuration',
    'ir.attachment', 'ir.note', 'product.product', 'stock.inventory.line',
    'stock.location',
    })
UNWRITABLE = frozenset({
    'bhmis.attendance.biometric_log', 'bhmis.attendance.day',
    'bhmis.attendance.event', 'bhmis.attendance.face',
    'bhmis.complaint.escalation', 'bhmis.complaint.message',
    'bhmis.complaint.transition', 'bhmis.dispatch.confirmation',
    'bhmis.dispatch.confirmation.line', 'bhmis.employee.status_change',
    'bhmis.equipment.status_change', 'bhmis.equipment.summary',
    'bhmis.facility.status_change', 'bhmis.facility.summary',
    'bhmis.inventory.indicator', 'bhmis.inventory.stock_card',
    'bhmis.leave.balance', 'bhmis.vacancy',
    })
# No read-only workflow state (state, status, review_state)
STATELESS = frozenset({
    'attendance.line', 'attendance.sheet', 'attendance.sheet.line',
    'bhmis.attendance.absenteeism', 'bhmis.attendance.biometric_log',
    'bhmis.attendance.configuration', 'bhmis.attendance.device',
    'bhmis.attendance.district_today', 'bhmis.attendance.duplicate_flag',
    'bhmis.attendance.face', 'bhmis.attendance.facility_today',
    'bhmis.attendance.holiday', 'bhmis.attendance.official_duty',
    'bhmis.attendance.roster.line', 'bhmis.attendance.shift', 'bhmis.cadre',
    'bhmis.complaint.call', 'bhmis.complaint.category',
    'bhmis.complaint.escalation', 'bhmis.complaint.routing',
    'bhmis.complaint.transition', 'bhmis.designation',
    'bhmis.dispatch.confirmation', 'bhmis.dispatch.confirmation.line',
    'bhmis.district', 'bhmis.division', 'bhmis.employee.qualification',
    'bhmis.employee.registration', 'bhmis.employee.status_change',
    'bhmis.equipment.category', 'bhmis.equipment.summary',
    'bhmis.facility.summary', 'bhmis.inventory.category',
    'bhmis.inventory.configuration', 'bhmis.inventory.requisition.line',
    'bhmis.inventory.stock_card', 'bhmis.inventory.stock_level',
    'bhmis.leave.balance', 'bhmis.leave.type', 'bhmis.posting',
    'bhmis.sanctioned_post', 'bhmis.stock.adjustment.line',
    'bhmis.stock.issue.line', 'bhmis.tehsil', 'bhmis.vacancy',
    'bhmis.web.document', 'bhmis.website.live_configuration',
    'company.employee', 'ir.attachment', 'ir.note', 'product.product',
    'res.user', 'stock.inventory.line', 'stock.location', 'stock.lot',
    })
# Field types written back (a value as it is) and copied into a create
WRITE_TYPES = ('char', 'text', 'integer', 'date', 'float', 'numeric',
    'selection', 'boolean')
CREATE_TYPES = WRITE_TYPES + ('many2one', 'reference', 'datetime',
    'timestamp', 'time', 'timedelta', 'multiselection')
# The suite checks at least this much (it counts every call)
MINIMUM_CHECKS = 1500


def cases(models, roles):
    return [pytest.param(m, r, id='%s-%s' % (m, r))
        for m in models for r in roles]


def kinds(*classes):
    return [m for m, e in sorted(KNOWN_MODELS.items())
        if isinstance(e, classes)]


STORED = kinds(Scoped, Summary, Resource, Unscoped)
SCOPED = kinds(Scoped, Summary, Resource)
READ_CASES = cases(STORED, ROLES)
READ_BY_ID_CASES = cases(SCOPED, SCOPED_ROLES)
CHANGE_CASES = cases(SCOPED, SCOPED_ROLES + READ_ONLY_ROLES) + [
    pytest.param(m, r, id='%s-%s' % (m, r))
    for m in kinds(Unscoped) for r in ROLES
    if r not in KNOWN_MODELS[m].editors]
WRITE_CASES = [c for c in CHANGE_CASES if c.values[0] not in UNWRITABLE]
BUTTON_CASES = [c for c in CHANGE_CASES if c.values[0] not in BUTTONLESS]
SECRET_CASES = [
    pytest.param(model, name, login, id='%s.%s-%s' % (model, name, login))
    for (model, name), readers in SECRET_FIELDS.items()
    for login in ('admin',) + ROLES if login not in readers]


@pytest.fixture(scope='module')
def server(tmp_path_factory, demo_template):
    "The small demo of this module, served: a hole found may change it"
    inst = copy_instance(tmp_path_factory, 'authorization', demo_template)
    try:
        inst.serve()
        yield inst
    finally:
        inst.drop()


@pytest.fixture(scope='module')
def world(server):
    world = World(server, KNOWN_MODELS, read_only=READ_ONLY_ROLES)
    seed(world)
    return world


def seed(world):
    """Give records to the models the small demo leaves empty, in the
    Civil Hospital of Quetta and in Pishin: qualifications, registrations,
    official duties, a transfer from Pishin to Quetta, and notes and
    attachments on every facility and on those employees; store the
    singletons"""
    admin = world.admin

    def first(model, domain):
        ids = admin.model(model, 'search', domain, 0, 1, [('id', 'ASC')])
        assert ids, (model, domain)
        return ids[0]

    def create(model, values):
        return admin.model(model, 'create', [values])[0]

    def choice(model, name):
        return next(v for v, _ in world.fields(model)[name]['selection']
            if v)

    civil = first('bhmis.facility', [('code', '=', 'QUETTA-CIVIL-001')])
    employees = [
        first('company.employee', [('facility', '=', civil)]),
        first('company.employee', [('facility.district.code', '=', 'PISHIN')]),
        ]
    day = {'__class__': 'date', 'year': 2026, 'month': 1, 'day': 5}
    for n, employee in enumerate(employees):
        create('bhmis.employee.qualification', {'employee': employee,
                'degree': 'MBBS', 'institution': 'Bolan Medical College',
                'year': 2010})
        create('bhmis.employee.registration', {'employee': employee,
                'council': choice('bhmis.employee.registration', 'council'),
                'number': 'AUTHZ-%s' % n})
        create('bhmis.attendance.official_duty', {'employee': employee,
                'purpose': "Training", 'start_date': day, 'end_date': day})
    create('bhmis.transfer', {'employee': employees[1], 'to_facility': civil,
            'to_designation': admin.model('company.employee', 'read',
                [employees[1]], ['designation'])[0]['designation'],
            'type': choice('bhmis.transfer', 'type')})
    pishin = admin.model('company.employee', 'read', [employees[1]],
        ['facility'])[0]['facility']
    # A roster with its line and a draft equipment transfer in Pishin
    shift = first('bhmis.attendance.shift', [])
    month = {'__class__': 'date', 'year': 2026, 'month': 2, 'day': 1}
    create('bhmis.attendance.roster', {'facility': pishin, 'month': month,
            'lines': [('create', [{'employee': employees[1], 'shift': shift,
                            'start_date': month, 'end_date': month}])]})
    items = admin.model('bhmis.equipment', 'search',
        [('facility.district.code', '=', 'PISHIN'),
            ('status', '!=', 'condemned')], 0, 1, [('id', 'ASC')])
    if items:
        item, = admin.model('bhmis.equipment', 'read', items, ['facility'])
        create('bhmis.equipment.transfer', {'equipment': item['id'],
                'to_facility': first('bhmis.facility', [
                        ('district.code', '=', 'PISHIN'),
                        ('id', '!=', item['facility'])]),
                'reason': "Needed there"})
    # Check-in events (the demo has none): a capture without a face, at
    # a kiosk of the Civil Hospital and of Pishin, is an event all the same
    for facility in [civil, pishin]:
        code, = admin.model('bhmis.facility', 'read', [facility], ['code'])
        output = world.server.bhmis('attendance', 'device-add', '--facility',
            code['code'], '--liveness', 'off').stdout
        key = re.search(r'^Device key \(shown once; keep it secret\): (\S+)$',
            output, re.M).group(1)
        reply = attendance_api.API(world.server).checkin(key,
            [coffee_jpeg()], attendance_api.noon(1))
        assert reply.status == 200, reply
    # Faces (the demo enrols nobody in Pishin): the astronaut for two
    # employees of Pishin, the second a duplicate of the first, with their
    # biometric log
    photo = world.server.var / 'astronaut.jpg'
    Image.fromarray(skimage_data.astronaut()).save(photo, 'JPEG')
    staff = admin.model('company.employee', 'search_read',
        [('facility.district.code', '=', 'PISHIN'),
            ('hr_status', '=', 'active')],
        0, 2, [('id', 'ASC')], ['personnel_number', 'facility', 'designation'])
    numbers = [e['personnel_number'] for e in staff]
    assert len(numbers) == 2, numbers
    for number in numbers:
        world.server.bhmis('attendance', 'enrol', '--employee', number,
            str(photo), check=False)
    assert admin.model('bhmis.attendance.duplicate_flag', 'search_count',
        []), "no duplicate face flagged"
    # A follow-up call on a resolved complaint of Pishin (the demo has none)
    resolved = admin.model('bhmis.complaint', 'search',
        [('state', '=', 'resolved'), ('district.code', '=', 'PISHIN')],
        0, 1, [('id', 'ASC')])
    assert resolved, "no resolved complaint in Pishin"
    create('bhmis.complaint.call', {'complaint': resolved[0],
            'outcome': 'unreachable', 'note': "No answer"})
    # A transfer inside Pishin, out of every Quetta role's scope
    create('bhmis.transfer', {'employee': staff[1]['id'],
            'to_facility': first('bhmis.facility', [
                    ('district.code', '=', 'PISHIN'),
                    ('type', '!=', 'district_store'),
                    ('id', '!=', staff[1]['facility'])]),
            'to_designation': staff[1]['designation'],
            'type': choice('bhmis.transfer', 'type')})
    # Singletons stored (until written, deleting one deletes nothing)
    for model in SINGLETONS:
        row = world.rows(model)[0]
        name = world.storable_fields(model, WRITE_TYPES)[0]
        admin.model(model, 'write', [row['id']],
            {name: admin_value(world, model, row, name)})
    resources = ['bhmis.facility,%s' % f for f in world.facility_district]
    resources += ['company.employee,%s' % e for e in employees]
    for resource in resources:
        create('ir.note', {'resource': resource,
                'message': "Seen with the record it is on"})
        create('ir.attachment', {'resource': resource, 'name': 'authz.url',
                'type': 'link', 'link': 'https://example.org/'})


def coffee_jpeg():
    "scikit-image's coffee cup: a photo without a face"
    buffer = io.BytesIO()
    Image.fromarray(skimage_data.coffee()).save(buffer, 'JPEG')
    return buffer.getvalue()


def refusal_failure(login, what, answer):
    "The failure when answer is not a refusal by access control, else None"
    if answer.refused:
        return None
    if answer.verdict == 'other':
        return '%s %s: refused, but not by access control: %s' % (
            login, what, answer.message[:300])
    return '%s %s: %s' % (login, what, answer)


def admin_value(world, model, row, name):
    return world.admin.model(model, 'read', [row['id']], [name])[0][name]


# Classification --------------------------------------------------------

def discover(world):
    "The models holding BHMIS data on the served database"
    admin = world.admin
    models = {m['name'] for m in admin.model('ir.model', 'search_read',
            [('module', 'like', 'bhmis_%')], 0, None, None, ['name'])}
    existing = {m['name'] for m in admin.model('ir.model', 'search_read',
            [('name', 'in', list(TRYTON_MODELS))], 0, None, None, ['name'])}
    ruled = {g['model'] for g in admin.model('ir.rule.group', 'search_read',
            [('name', 'in', [SCOPE_RULE_NAME, SCOPE_WRITE_RULE_NAME])],
            0, None, None, ['model'])}
    return models | existing | ruled


def test_every_model_is_classified(world):
    discovered = discover(world)
    world.discovered = discovered
    TALLY['classified'] = len(discovered)
    missing = sorted(discovered - KNOWN_MODELS.keys())
    gone = sorted(KNOWN_MODELS.keys() - discovered)
    assert not missing, "classify in KNOWN_MODELS: %s" % missing
    assert not gone, "no longer on the database: %s" % gone


def test_model_shapes_are_known(world):
    """The models without a button or without a field a user writes are
    those listed: the suite checks every other one, and a model that gains
    a button is checked the day it does"""
    stored = [m for m in STORED if m in discover(world)]
    buttonless = {m for m in stored if not world.buttons(m)}
    stateless = {m for m in stored if not workflow_states(world, m)}
    unwritable = {m for m in stored
        if not world.storable_fields(m, WRITE_TYPES)}
    assert buttonless == BUTTONLESS & set(stored), (
        "BUTTONLESS: add %s, remove %s" % (
            sorted(buttonless - BUTTONLESS),
            sorted(BUTTONLESS - buttonless)))
    assert stateless == STATELESS & set(stored), (
        "STATELESS: add %s, remove %s" % (
            sorted(stateless - STATELESS),
            sorted(STATELESS - stateless)))
    assert unwritable == UNWRITABLE & set(stored), (
        "UNWRITABLE: add %s, remove %s" % (
            sorted(unwritable - UNWRITABLE),
            sorted(UNWRITABLE - unwritable)))


def test_roles(world):
    "The demo roles are scoped or province-wide as README says"
    for login in ROLES:
        role = world.role(login)
        TALLY['role'] += 1
        assert role.unrestricted == (login in UNRESTRICTED_ROLES), login
        if not role.unrestricted:
            assert role.districts or role.facilities, login


@pytest.mark.parametrize('model', sorted(KNOWN_MODELS))
def test_scope_rules_match_table(world, model):
    """The scope rules installed on the model are those of KNOWN_MODELS
    (a model not scoped has none); a model not on RPC answers nobody"""
    expectation = KNOWN_MODELS[model]
    TALLY['rule'] += 1
    if isinstance(expectation, NotOnRPC):
        answer = world.call('admin', model, 'search', [], 0, 1, None)
        assert answer.status == 403, (
            "%s is %s, yet answers RPC: %s" % (model, expectation.why,
                answer))
        return
    read = decode_rules(world.rules(model, SCOPE_RULE_NAME))
    write = decode_rules(world.rules(model, SCOPE_WRITE_RULE_NAME),
        write=True)
    if not isinstance(expectation, Scoped):
        assert not read and not write, (
            "%s is scoped on the server; classify it as Scoped" % model)
        return
    if expectation.via:
        assert not read and not write, model
        # The rules of the model at via apply (Tryton's __access__)
        parent = world.fields(model)[expectation.via]['relation']
        prefix = expectation.via + '.'
        read = {(kind, prefix + path, reference) for kind, path, reference
            in decode_rules(world.rules(parent, SCOPE_RULE_NAME))}
        write = {prefix + path for path in decode_rules(
                world.rules(parent, SCOPE_WRITE_RULE_NAME), write=True)}
    assert (read, write) == expectation.rule_spec(), (
        "the scope rules of %s differ from KNOWN_MODELS" % model)


# Reading ---------------------------------------------------------------

@pytest.mark.parametrize('model,login', READ_CASES)
def test_search_shows_only_records_in_scope(world, model, login):
    expectation = KNOWN_MODELS[model]
    role = world.role(login)
    if isinstance(expectation, Summary):
        return check_summary(world, expectation, model, role)
    answer = world.call(login, model, 'search_read', [], 0, None, None,
        ['id'])
    TALLY['search'] += 1
    sees_all = isinstance(expectation, Unscoped) and expectation.readable(
        world, role, None)
    readers = getattr(expectation, 'readers', EVERYONE)
    if readers != EVERYONE and login not in readers:
        assert answer.refused, "%s searches %s, which only %s read: %s" % (
            login, model, ', '.join(readers), answer)
        TALLY['search (no access)'] += 1
        return
    if answer.refused and not sees_all:
        TALLY['search (no access)'] += 1
        return
    assert answer.allowed, '%s searching %s: %s' % (login, model, answer)
    seen = {r['id'] for r in answer.value}
    unknown = sorted(i for i in seen if world.row(model, i) is None)
    leaked = sorted(i for i in seen - set(unknown)
        if not expectation.readable(world, role, world.row(model, i)))
    assert not leaked, "%s sees %s of %s out of its scope: ids %s" % (
        login, len(leaked), model, leaked[:20])
    assert not unknown, "%s sees %s records the administrator does not" % (
        login, unknown[:20])
    if role.unrestricted or sees_all:
        missing = sorted({r['id'] for r in world.rows(model)} - seen)
        assert not missing, "%s misses %s records of %s: ids %s" % (
            login, len(missing), model, missing[:20])


def check_summary(world, expectation, model, role):
    """The role's rows are of the districts it sees and count the records
    it reads"""
    answer = world.call(role.login, model, 'search_read', [], 0, None, None,
        [expectation.district, expectation.count])
    TALLY['search'] += 1
    if answer.refused:
        TALLY['search (no access)'] += 1
        return
    assert answer.allowed, '%s searching %s: %s' % (role.login, model, answer)
    leaked = [r for r in answer.value
        if not expectation.readable(world, role, r)]
    assert not leaked, "%s sees rows of %s of other districts: %s" % (
        role.login, model, leaked[:5])
    counted = KNOWN_MODELS[expectation.counted]
    expected = sum(1 for r in world.rows(expectation.counted)
        if counted.readable(world, role, r))
    total = sum(r[expectation.count] or 0 for r in answer.value)
    assert total == expected, (
        "%s's %s counts %s %s, it reads %s" % (role.login, model, total,
            expectation.counted, expected))


@pytest.mark.parametrize('model,login', READ_BY_ID_CASES)
def test_read_by_id_out_of_scope(world, model, login):
    expectation = KNOWN_MODELS[model]
    role = world.role(login)
    unseen = next((r for r in world.rows(model)
            if not expectation.readable(world, role, r)), None)
    if unseen is None:
        pytest.skip("no record of %s out of %s's scope" % (model, login))
    answer = world.call(login, model, 'read', [unseen['id']], ['id'])
    TALLY['read by id'] += 1
    failure = refusal_failure(login, 'reading %s %s' % (model, unseen['id']),
        answer)
    assert not failure, failure


# Changing --------------------------------------------------------------

def attempt(world, model, login, act, targets=None):
    """Try act(row) -> (what, answer) on the candidate records of each
    target until the server's answer tells: refused by access control
    (good), allowed or crashed (failures); refused for another reason (a
    state, a constraint) tells nothing, unless no candidate tells more, or
    its message names a record the role may not read (a failure)"""
    targets = world.targets(model, login) if targets is None else targets
    if not targets:
        pytest.skip("no record of %s that %s must not change" % (
                model, login))
    failures, inconclusive = [], []
    for why, candidates in targets:
        others = []
        for row in candidates:
            what, answer = act(row)
            what = '%s %s (%s)' % (login, what, why)
            if answer.verdict == 'other':
                if why == 'out of scope' and names_record(
                        world, model, row, answer):
                    failures.append('%s: refused, but the message names '
                        'the record it may not read: %s' % (
                            what, answer.message[:200]))
                    break
                others.append('%s: %s' % (what, answer.message[:200]))
                continue
            if answer.verdict == 'state':
                failures.append('%s: access control let it through, only '
                    'the state of the record refused it: %s' % (
                        what, answer.message[:200]))
            elif not answer.refused:
                failures.append('%s: %s' % (what, answer))
            if answer.allowed:
                world.forget(what)
            break
        else:
            inconclusive.append(others[0])
    return failures, inconclusive


def names_record(world, model, row, answer):
    "Whether the answer's message names the record (its rec_name)"
    name = world.admin.model(model, 'read', [row['id']],
        ['rec_name'])[0]['rec_name']
    return len(name) >= 4 and name in answer.message


# Refusals Tryton makes to everyone, administrator included: as good as
# access control's
REFUSED_TO_ALL = ("users cannot be deleted",
    # A dispatch is done by its receiver's Confirm Delivery, never by Done
    # (bhmis_inventory.dispatch)
    "with Confirm Delivery, giving the quantities that arrived")


def conclude(failures, inconclusive):
    assert not failures, '\n'.join(failures)
    inconclusive = [i for i in inconclusive
        if not any(r in i for r in REFUSED_TO_ALL)]
    if inconclusive:
        pytest.skip("refused, but not by access control (inconclusive): "
            + '; '.join(inconclusive)[:600])


@pytest.mark.parametrize('model,login', WRITE_CASES)
def test_write_refused(world, model, login):
    "Writing back a value as it is, on a record the role does not hold"
    names = world.storable_fields(model, WRITE_TYPES)
    assert names, "%s has no field a user writes: list it in UNWRITABLE" % (
        model)

    def write(row):
        value = admin_value(world, model, row, names[0])
        TALLY['write'] += 1
        return ('writing %s of %s %s' % (names[0], model, row['id']),
            world.call(login, model, 'write', [row['id']],
                {names[0]: value}))
    conclude(*attempt(world, model, login, write))


@pytest.mark.parametrize('model,login', CHANGE_CASES)
def test_create_refused(world, model, login):
    """Creating a copy (the fields a user gives) of a record the role does
    not hold: with its texts changed (they may have to be unique), then
    as it is"""
    names = world.storable_fields(model, CREATE_TYPES)
    definitions = world.fields(model)

    def create(row):
        values, = world.admin.model(model, 'read', [row['id']], names)
        values = {k: v for k, v in values.items()
            if k != 'id' and v is not None}
        changed = {k: v + ' (copy)' if definitions[k]['type'] == 'char'
            else v for k, v in values.items()}
        for vals in [changed, values]:
            answer = world.call(login, model, 'create', [vals])
            TALLY['create'] += 1
            if answer.verdict != 'other':
                break
        return 'creating a copy of %s %s' % (model, row['id']), answer
    conclude(*attempt(world, model, login, create))


@pytest.mark.parametrize('model,login', BUTTON_CASES)
def test_buttons_refused(world, model, login):
    "Pressing every button on records the role does not hold"
    buttons = [b for b in world.buttons(model)
        if not (world.role(login).read_only
            and b in MANAGER_BUTTONS.get(model, ()))]
    assert buttons or MANAGER_BUTTONS.get(model), (
        "%s has no button: list it in BUTTONLESS" % model)
    failures, inconclusive = [], []
    for button in buttons:
        def press(row, button=button):
            TALLY['button'] += 1
            return ('pressing %s on %s %s' % (button, model, row['id']),
                world.call(login, model, button, [row['id']]))
        targets = world.targets(model, login, button)
        if not targets:
            continue
        found = attempt(world, model, login, press, targets)
        failures += found[0]
        inconclusive += found[1]
    conclude(failures, inconclusive)


def workflow_states(world, model):
    "The read-only workflow state fields of model"
    definitions = world.fields(model)
    return [n for n in STATE_FIELDS if n in definitions
        and definitions[n]['type'] == 'selection'
        and definitions[n].get('readonly')]


@pytest.mark.parametrize('model', [m for m in STORED if m not in STATELESS])
def test_workflow_state_not_written_by_hand(world, model):
    """A workflow state, read-only in its definition, is refused even to
    the administrator (the server enforces it, not only the client)"""
    definitions = world.fields(model)
    names = workflow_states(world, model)
    assert names, "%s has no workflow state: list it in STATELESS" % model
    rows = world.rows(model)
    assert rows, "%s has no record: give it one in seed()" % model
    failures = []
    for name in names:
        current = admin_value(world, model, rows[0], name)
        other = next(v for v, _ in definitions[name]['selection']
            if v and v != current)
        answer = world.call('admin', model, 'write', [rows[0]['id']],
            {name: other})
        TALLY['workflow state'] += 1
        failures.append(refusal_failure('admin', 'setting %s of %s %s to %s'
                % (name, model, rows[0]['id'], other), answer))
        if answer.allowed:
            # Put it back, as the hole allows, for the checks that follow
            world.admin.model(model, 'write', [rows[0]['id']],
                {name: current})
    failures = [f for f in failures if f]
    assert not failures, '\n'.join(failures)


# Secrets ---------------------------------------------------------------

@pytest.mark.parametrize('model,name,login', SECRET_CASES)
def test_secret_fields(world, model, name, login):
    """Searching or ordering by the field is refused (a search is an
    oracle on what a read hides); reading it is refused or blank"""
    failures = []
    for what, args in [
            ('searching %s.%s' % (model, name),
                ('search', [(name, '!=', None)], 0, 1, None)),
            ('ordering %s by %s' % (model, name),
                ('search', [], 0, 1, [(name, 'ASC')])),
            ]:
        answer = world.call(login, model, *args)
        TALLY['secret'] += 1
        failures.append(refusal_failure(login, what, answer))
    answer = world.call(login, model, 'search_read', [], 0, None, None,
        [name])
    TALLY['secret'] += 1
    if answer.allowed:
        shown = [r['id'] for r in answer.value if r.get(name)]
        if shown:
            failures.append('%s reads %s.%s of ids %s' % (
                    login, model, name, shown[:20]))
    else:
        failures.append(refusal_failure(login, 'reading %s.%s' % (
                    model, name), answer))
    failures = [f for f in failures if f]
    assert not failures, '\n'.join(failures)


# Deleting (last: a hole here takes records away) -----------------------

@pytest.mark.parametrize('model,login', CHANGE_CASES)
def test_delete_refused(world, model, login):
    def delete(row):
        TALLY['delete'] += 1
        return ('deleting %s %s' % (model, row['id']),
            world.call(login, model, 'delete', [row['id']]))
    conclude(*attempt(world, model, login, delete))


# Report wizards --------------------------------------------------------

# The back office's report wizards (Reports ›), each of whose reports every
# role runs with no filter: a wizard the suite does not know fails it
REPORT_WIZARDS = ('bhmis.attendance.report', 'bhmis.hr.report',
    'bhmis.inventory.report')
# Reports that name no district or facility on any row, or only the
# reader's: nothing there to leak (checked: they must stay so)
PLACELESS_REPORTS = {}
# The models whose records a wizard's reports are made of: a row may name
# a facility (and its district) of a record of these that the role reads
# (a store keeper reads the stores their store supplies, an in-charge the
# stores that supply them); a row of an employee (a personnel number) is
# checked against the employees the role reads.  An employee moving in
# from another district is read, so is her facility's row of counts.
REPORT_SOURCES = {
    'bhmis.attendance.report': ('bhmis.attendance.day', 'company.employee'),
    'bhmis.hr.report': ('bhmis.sanctioned_post', 'company.employee'),
    'bhmis.inventory.report': ('stock.location', 'bhmis.equipment'),
    }


def facilities_read(world, role, models):
    "The facilities of the records of models that role reads"
    key = ('facilities read', role.login, models)
    if key not in world.cache:
        found = set()
        for model in models:
            expectation = world.expectation(model)
            for row in world.rows(model):
                if expectation.readable(world, role, row):
                    found |= values_at(row, 'facility')
        world.cache[key] = found
    return world.cache[key]


def report_values(world, wizard):
    """The start form's values other than its defaults: the daily
    attendance of the demo's last day (the default, yesterday in Pakistan,
    has none from 19:00 UTC on a template made before)"""
    if wizard != 'bhmis.attendance.report':
        return {}
    day, = world.admin.model('bhmis.attendance.day', 'search_read', [], 0,
        1, [('date', 'DESC')], ['date'])
    return {'date': day['date']}


def report_runs(world, wizard):
    "{report: the administrator's Run} of wizard, run once"
    key = ('reports', wizard)
    if key not in world.cache:
        reports = world.cache.setdefault('report wizards',
            report_wizards(world.admin))[wizard]
        world.cache[key] = {report: run_report(world.admin, wizard, report,
                report_values(world, wizard)) for report in reports}
    return world.cache[key]


def places(world):
    if 'places' not in world.cache:
        world.cache['places'] = Places(world.admin)
    return world.cache['places']


def test_every_report_wizard_is_known(world):
    found = report_wizards(world.admin)
    world.cache['report wizards'] = found
    assert set(found) == set(REPORT_WIZARDS), (
        "REPORT_WIZARDS: add %s, remove %s" % (
            sorted(set(found) - set(REPORT_WIZARDS)),
            sorted(set(REPORT_WIZARDS) - set(found))))


@pytest.mark.parametrize('wizard', REPORT_WIZARDS)
def test_reports_have_rows_of_both_districts(world, wizard):
    """As administrator every report names places of both demo districts
    (so that a role's file tells whether it leaks), but those listed"""
    for report, run in report_runs(world, wizard).items():
        assert run.tables is not None, "admin running %s %s: %s" % (
            wizard, report, run.refusal)
        districts = set()
        for _, rows in run.tables:
            for row in rows:
                seen, _, unknown = places(world).of_row(row)
                assert not unknown, "%s %s names unknown places: %s" % (
                    wizard, report, unknown[:5])
                districts |= seen
        if report in PLACELESS_REPORTS:
            assert len(districts) < 2, (wizard, report)
            continue
        assert len(districts) >= 2, (
            "%s %s shows the administrator %s district(s): the check of "
            "the roles' files would tell nothing" % (
                wizard, report, len(districts)))


@pytest.mark.parametrize('wizard,login', cases(REPORT_WIZARDS, ROLES))
def test_report_files_keep_to_the_scope(world, wizard, login):
    """Finding 8: a report file run with no filter holds only the rows
    of the reader's districts and facilities (the wizard reads as the
    user); a role without the wizard is refused by access control"""
    role = world.role(login)
    where = places(world)
    for report in report_runs(world, wizard):
        run = run_report(world.client(login), wizard, report,
            report_values(world, wizard))
        TALLY['report file'] += 1
        if run.tables is None:
            assert run.refusal.refused, "%s running %s %s: %s" % (
                login, wizard, report, run.refusal)
            continue
        if role.unrestricted:
            continue
        sources = facilities_read(world, role, REPORT_SOURCES[wizard])
        seen_districts = world.districts_seen(role) | {
            where.facility_district[f] for f in sources}
        employees = world.expectation('company.employee')
        for title, rows in run.tables:
            for row in rows:
                districts, facilities, unknown = where.of_row(row)
                assert not unknown, (login, wizard, report, unknown)
                employee = where.employee(row)
                if employee is not None:
                    # An employee's row: in scope when the role reads the
                    # employee (posted there, or moving in or out)
                    assert employees.readable(world, role, world.row(
                            'company.employee', employee)), (
                        "%s's %s (%s, sheet %s) shows an employee it does "
                        "not read: %s" % (login, report, wizard, title, row))
                    continue
                out = (districts - seen_districts) or (
                    facilities - sources)
                assert not out, "%s's %s (%s, sheet %s) shows a row " \
                    "out of its scope: %s" % (login, report, wizard,
                        title, row)


# The access table of the documentation ---------------------------------

def test_access_table_is_up_to_date(server):
    "doc/access.rst is what tools/access_table.py writes from the database"
    result = subprocess.run(
        [sys.executable, str(ROOT / 'tools' / 'access_table.py'), '--check'],
        env=server.env, cwd=ROOT, capture_output=True, text=True,
        timeout=300)
    TALLY['access table'] += 1
    assert result.returncode == 0, result.stdout + result.stderr


def test_summary(world):
    "What the suite checked (shown with -s)"
    total = sum(v for k, v in TALLY.items()
        if k not in {'classified', 'role', 'search (no access)'})
    lines = ['authorization: %s models classified (%s on the database), '
        '%s roles, %s checks' % (len(KNOWN_MODELS),
            len(world.discovered), len(ROLES) + 1, total)]
    lines += ['  %-16s %s' % (k, v) for k, v in sorted(TALLY.items())]
    if world.changed:
        lines.append('  changed by holes: %s' % ', '.join(world.changed))
    print('\n'.join(lines))
    assert total >= MINIMUM_CHECKS, lines
