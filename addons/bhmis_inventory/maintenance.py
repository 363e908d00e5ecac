# SPDX-License-Identifier: GPL-3.0-or-later
"""Maintenance of equipment: corrective (a breakdown reported, repaired)
and preventive (on a schedule), each a request that is started and done."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If

from bhmis_base.scope import ScopedMixin

from .exceptions import MaintenanceError

TYPES = [
    ('corrective', "Corrective"),
    ('preventive', "Preventive"),
    ]
STATES = [
    ('requested', "Requested"),
    ('in_progress', "In Progress"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]
OPEN = ['requested', 'in_progress']


class Maintenance(ScopedMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'bhmis.equipment.maintenance'
    __string__ = "Equipment Maintenance"
    _history = True
    _scope_facility = 'equipment.facility'
    _states = {'readonly': Eval('state') != 'requested'}

    equipment = fields.Many2One('bhmis.equipment', "Equipment",
        required=True, ondelete='RESTRICT', states=_states,
        domain=[('status', '!=', 'condemned')])
    facility = fields.Function(fields.Many2One('bhmis.facility', "Facility"),
        'on_change_with_facility', searcher='search_facility')
    type = fields.Selection(TYPES, "Type", required=True, states=_states,
        help="Corrective: a breakdown to repair, the item is not "
        "functional until it is done. Preventive: scheduled servicing.")
    description = fields.Text("Description", states=_states,
        help="The fault seen, or the servicing to do.")
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    reported = fields.DateTime("Reported", required=True, states=_states,
        help="When the breakdown was reported or the servicing requested.")
    started = fields.DateTime("Started",
        domain=[If(Eval('started'),
                ('started', '>=', Eval('reported')), ())],
        states={
            'readonly': ~Eval('state').in_(OPEN),
            })
    finished = fields.DateTime("Finished",
        domain=[If(Eval('finished'),
                ('finished', '>=', Eval('started', Eval('reported'))), ())],
        states={
            'readonly': Eval('state') != 'in_progress',
            })
    technician = fields.Char("Technician", strip=True,
        help="Who does the work: biomedical engineer or the supplier's "
        "service.")
    cost = fields.Numeric("Cost", digits=(16, 2),
        domain=['OR', ('cost', '=', None), ('cost', '>=', 0)],
        help="In rupees.")
    repair_hours = fields.Function(fields.Float("Repair Hours",
            digits=(16, 1),
            help="Hours from the report to the end of the work."),
        'get_repair_hours')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('reported', 'DESC'), ('id', 'DESC')]
        cls._sql_indexes.update({
                Index(t, (t.equipment, Index.Range()),
                    (t.type, Index.Equality()),
                    (t.state, Index.Equality())),
                Index(t, (t.state, Index.Equality()),
                    where=t.state.in_(OPEN)),
                })
        cls._transitions |= {
            ('requested', 'in_progress'),
            ('in_progress', 'done'),
            ('requested', 'cancelled'),
            ('in_progress', 'cancelled'),
            }
        cls._buttons.update({
                'start': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                'finish': {
                    'invisible': Eval('state') != 'in_progress',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(OPEN),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'requested'

    @classmethod
    def default_type(cls):
        return 'corrective'

    @classmethod
    def default_reported(cls):
        return dt.datetime.now().replace(microsecond=0)

    @fields.depends('equipment', '_parent_equipment.facility')
    def on_change_with_facility(self, name=None):
        return self.equipment.facility if self.equipment else None

    @classmethod
    def search_facility(cls, name, clause):
        return [('equipment.facility',) + tuple(clause[1:])]

    def get_rec_name(self, name):
        return '%s: %s' % (self.equipment.rec_name, self.reported)

    def get_repair_hours(self, name):
        if self.state != 'done' or not self.finished:
            return None
        return round((self.finished - self.reported).total_seconds()
            / 3600, 1)

    @classmethod
    def create(cls, vlist):
        Equipment = Pool().get('bhmis.equipment')
        Equipment.check_not_condemned(Equipment.browse(
                {v['equipment'] for v in vlist if v.get('equipment')}))
        maintenances = super().create(vlist)
        # A breakdown reported: the item does not work until repaired
        Equipment.set_status([m.equipment for m in maintenances
                if m.type == 'corrective' and m.state in OPEN],
            'non_functional')
        return maintenances

    @classmethod
    def request_preventive(cls, equipment):
        """Create a preventive request for each item without an open one;
        return the requests created"""
        if not equipment:
            return []
        open_ = set()
        for start in range(0, len(equipment), 500):
            open_.update(m.equipment.id for m in cls.search([
                        ('equipment', 'in',
                            [e.id for e in equipment[start:start + 500]]),
                        ('type', '=', 'preventive'),
                        ('state', 'in', OPEN),
                        ], order=[]))
        now = cls.default_reported()
        return cls.create([{
                    'equipment': e.id,
                    'type': 'preventive',
                    'reported': now,
                    'description': gettext(
                        'bhmis_inventory.msg_maintenance_preventive_due',
                        date=e.next_preventive_date or ''),
                    } for e in equipment if e.id not in open_])

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def start(cls, maintenances):
        Equipment = Pool().get('bhmis.equipment')
        now = cls.default_reported()
        for maintenance in maintenances:
            if not maintenance.started:
                maintenance.started = max(now, maintenance.reported)
        cls.save(maintenances)
        Equipment.set_status([m.equipment for m in maintenances
                if m.type == 'corrective'], 'under_repair')

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def finish(cls, maintenances):
        now = cls.default_reported()
        for maintenance in maintenances:
            started = maintenance.started or maintenance.reported
            if not maintenance.finished:
                maintenance.finished = max(now, started)
            if maintenance.finished < started:
                raise MaintenanceError(gettext(
                        'bhmis_inventory.msg_maintenance_finished_before',
                        maintenance=maintenance.rec_name))
        cls.save(maintenances)
        cls._reschedule([m for m in maintenances if m.type == 'preventive'])
        cls._restore(maintenances)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, maintenances):
        # A breakdown reported in error: the item works again
        cls._restore(maintenances)

    @classmethod
    def _reschedule(cls, maintenances):
        "Set the next preventive date of the equipment serviced"
        Equipment = Pool().get('bhmis.equipment')
        to_write = []
        for maintenance in maintenances:
            equipment = maintenance.equipment
            if equipment.interval:
                to_write.extend(([equipment], {
                            'next_preventive_date': (
                                maintenance.finished.date()
                                + dt.timedelta(days=equipment.interval)),
                            }))
        if to_write:
            Equipment.write(*to_write)

    @classmethod
    def _restore(cls, maintenances):
        """Return to functional the equipment of the corrective maintenance
        that has no other breakdown open"""
        Equipment = Pool().get('bhmis.equipment')
        equipment = {m.equipment for m in maintenances
            if m.type == 'corrective'}
        if not equipment:
            return
        still_open = {m.equipment for m in cls.search([
                    ('equipment', 'in', [e.id for e in equipment]),
                    ('type', '=', 'corrective'),
                    ('state', 'in', OPEN),
                    ('id', 'not in', [m.id for m in maintenances]),
                    ], order=[])}
        Equipment.set_status(list(equipment - still_open), 'functional')
