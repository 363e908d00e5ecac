# SPDX-License-Identifier: GPL-3.0-or-later
"""The equipment register: each item of a facility with its category,
status (a workflow whose changes are kept), preventive schedule and
reliability (MTBF, MTTR)."""
import datetime as dt
from collections import defaultdict

from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin,
    Index,
    ModelSQL,
    ModelView,
    Unique,
    Workflow,
    fields,
)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from bhmis_base.history import field_changes
from bhmis_base.model import CodeNameMixin
from bhmis_base.scope import ScopedMixin

from . import reliability
from .exceptions import EquipmentCondemnedError

STATUSES = [
    ('functional', "Functional"),
    ('non_functional', "Non-Functional"),
    ('under_repair', "Under Repair"),
    ('condemned', "Condemned"),
    ]
# Statuses of equipment that does not work
DOWN = {'non_functional', 'under_repair'}


def reliability_date():
    """The day up to which reliability is measured: the context's
    reliability_date or today"""
    date = Transaction().context.get('reliability_date')
    return date or Pool().get('ir.date').today()


class EquipmentCategory(CodeNameMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.equipment.category'
    __string__ = "Equipment Category"
    preventive_interval = fields.Integer("Preventive Interval",
        domain=['OR', ('preventive_interval', '=', None),
            ('preventive_interval', '>', 0)],
        help="Days between two preventive maintenances of its equipment; "
        "empty when it needs none.")
    equipment = fields.One2Many(
        'bhmis.equipment', 'category', "Equipment", readonly=True)
    equipment_count = fields.Function(
        fields.Integer("Equipment"), 'get_reliability')
    down_count = fields.Function(fields.Integer("Not Functional",
            help="Items non-functional or under repair."),
        'get_reliability')
    failures = fields.Function(fields.Integer("Failures",
            help="Breakdowns reported on its equipment."),
        'get_reliability')
    mtbf = fields.Function(fields.Float("MTBF (hours)", digits=(16, 1),
            help="Mean time between failures of its equipment: their "
            "operating hours over their breakdowns."),
        'get_reliability')
    mttr = fields.Function(fields.Float("MTTR (hours)", digits=(16, 1),
            help="Mean time to repair: the mean hours from a breakdown "
            "being reported to its repair."),
        'get_reliability')

    @classmethod
    def get_reliability(cls, categories, names):
        "The reliability of the equipment the user sees, by category"
        Equipment = Pool().get('bhmis.equipment')
        result = {n: {c.id: None for c in categories} for n in names}
        for name in {'equipment_count', 'down_count', 'failures'} & set(
                names):
            result[name] = {c.id: 0 for c in categories}
        by_category = defaultdict(list)
        figures = Equipment.reliability_figures(Equipment.search(
                [('category', 'in', [c.id for c in categories])],
                order=[]))
        for equipment, figure in figures.items():
            by_category[equipment.category.id].append((equipment, figure))
        for category, items in by_category.items():
            mtbf, mttr = reliability.reliability([f for _, f in items])
            values = {
                'equipment_count': len(items),
                'down_count': sum(e.status in DOWN for e, _ in items),
                'failures': sum(f[1] for _, f in items),
                'mtbf': mtbf, 'mttr': mttr,
                }
            for name in names:
                result[name][category] = values[name]
        return result


class Equipment(ScopedMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'bhmis.equipment'
    __string__ = "Equipment"
    _history = True
    _scope_facility = 'facility'
    _transition_state = 'status'
    _rec_name = 'asset_tag'

    asset_tag = fields.Char("Asset Tag", required=True, strip=True,
        help="The unique number painted or stuck on the item.")
    category = fields.Many2One('bhmis.equipment.category', "Category",
        required=True, ondelete='RESTRICT')
    make = fields.Char("Make", strip=True, help="The manufacturer.")
    model_name = fields.Char("Model", strip=True)
    serial = fields.Char("Serial Number", strip=True)
    facility = fields.Many2One('bhmis.facility', "Facility", required=True,
        ondelete='RESTRICT',
        states={
            'readonly': Eval('id', -1) >= 0,
            },
        help="Where the item is; a transfer moves it to another facility.")
    district = fields.Function(fields.Many2One('bhmis.district', "District"),
        'on_change_with_district', searcher='search_district')
    department = fields.Char("Department", strip=True,
        help="The ward or department of the facility, such as Radiology.")
    status = fields.Selection(
        STATUSES, "Status", readonly=True, required=True, sort=False)
    status_changes = fields.One2Many('bhmis.equipment.status_change',
        'equipment', "Status History", readonly=True)
    acquisition_date = fields.Date("Acquisition Date")
    acquisition_cost = fields.Numeric("Acquisition Cost", digits=(16, 2),
        domain=['OR', ('acquisition_cost', '=', None),
            ('acquisition_cost', '>=', 0)],
        help="In rupees.")
    warranty_expiry = fields.Date("Warranty Expiry")
    supplier = fields.Many2One('party.party', "Supplier",
        ondelete='RESTRICT')
    preventive_interval = fields.Integer("Preventive Interval",
        domain=['OR', ('preventive_interval', '=', None),
            ('preventive_interval', '>', 0)],
        help="Days between two preventive maintenances of this item; "
        "empty to follow its category.")
    next_preventive_date = fields.Date("Next Preventive Maintenance",
        help="Set when the item is registered and after each preventive "
        "maintenance done.")
    maintenances = fields.One2Many('bhmis.equipment.maintenance',
        'equipment', "Maintenance", readonly=True)
    transfers = fields.One2Many('bhmis.equipment.transfer', 'equipment',
        "Transfers", readonly=True,
        filter=[('state', '=', 'done')],
        help="The facilities the item was moved from and to.")
    failures = fields.Function(fields.Integer("Failures",
            help="Breakdowns reported."), 'get_reliability')
    mtbf = fields.Function(fields.Float("MTBF (hours)", digits=(16, 1),
            help="Mean time between failures: the operating hours since "
            "acquisition over the breakdowns."),
        'get_reliability')
    mttr = fields.Function(fields.Float("MTTR (hours)", digits=(16, 1),
            help="Mean time to repair: the mean hours from a breakdown "
            "being reported to its repair."),
        'get_reliability')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('asset_tag_unique', Unique(t, t.asset_tag),
                'bhmis_inventory.msg_equipment_asset_tag_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.facility, Index.Range()),
                    (t.status, Index.Equality())),
                Index(t, (t.category, Index.Range())),
                Index(t, (t.next_preventive_date, Index.Range())),
                })
        cls._order = [('asset_tag', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('functional', 'non_functional'),
            ('functional', 'under_repair'),
            ('non_functional', 'under_repair'),
            ('non_functional', 'functional'),
            ('under_repair', 'functional'),
            ('under_repair', 'non_functional'),
            ('functional', 'condemned'),
            ('non_functional', 'condemned'),
            ('under_repair', 'condemned'),
            }
        cls._buttons.update({
                'mark_functional': {
                    'invisible': ~Eval('status').in_(list(DOWN)),
                    'depends': ['status'],
                    },
                'mark_non_functional': {
                    'invisible': Eval('status') != 'functional',
                    'depends': ['status'],
                    },
                'mark_under_repair': {
                    'invisible': ~Eval('status').in_(
                        ['functional', 'non_functional']),
                    'depends': ['status'],
                    },
                'condemn': {
                    'invisible': Eval('status') == 'condemned',
                    'depends': ['status'],
                    },
                'request_preventive': {
                    'invisible': Eval('status') == 'condemned',
                    'depends': ['status'],
                    },
                })

    @classmethod
    def default_status(cls):
        return 'functional'

    @fields.depends('facility')
    def on_change_with_district(self, name=None):
        return self.facility.district if self.facility else None

    @classmethod
    def search_district(cls, name, clause):
        return [('facility.district',) + tuple(clause[1:])]

    def get_rec_name(self, name):
        return '%s (%s)' % (self.asset_tag, self.category.rec_name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('asset_tag', operator, operand, *extra),
            ('serial', operator, operand, *extra),
            ]

    @property
    def interval(self):
        "Days between two preventive maintenances, or None"
        return self.preventive_interval or self.category.preventive_interval

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Category = pool.get('bhmis.equipment.category')
        Date = pool.get('ir.date')
        today = Date.today()
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('next_preventive_date') or not values.get(
                    'category'):
                continue
            interval = values.get('preventive_interval') or Category(
                values['category']).preventive_interval
            if interval:
                start = values.get('acquisition_date') or today
                values['next_preventive_date'] = start + dt.timedelta(
                    days=interval)
        return super().create(vlist)

    @classmethod
    def reliability_figures(cls, equipment):
        """Return {equipment: (operating hours, failures, [repair hours])}
        up to reliability_date(), from the corrective maintenance"""
        Maintenance = Pool().get('bhmis.equipment.maintenance')
        end = dt.datetime.combine(
            reliability_date() + dt.timedelta(days=1), dt.time())
        repairs = defaultdict(list)
        for start in range(0, len(equipment), 500):
            batch = [e.id for e in equipment[start:start + 500]]
            with without_check_access():
                corrective = Maintenance.search([
                        ('equipment', 'in', batch),
                        ('type', '=', 'corrective'),
                        ('state', '!=', 'cancelled'),
                        ], order=[])
            for maintenance in corrective:
                repairs[maintenance.equipment.id].append(
                    (maintenance.reported, maintenance.finished
                        if maintenance.state == 'done' else None))
        result = {}
        for item in equipment:
            start = dt.datetime.combine(
                item.acquisition_date or item.create_date.date(), dt.time())
            result[item] = reliability.item_figures(
                start, end, repairs[item.id])
        return result

    @classmethod
    def get_reliability(cls, equipment, names):
        result = {n: {} for n in names}
        for item, figures in cls.reliability_figures(equipment).items():
            mtbf, mttr = reliability.reliability([figures])
            values = {'failures': figures[1], 'mtbf': mtbf, 'mttr': mttr}
            for name in names:
                result[name][item.id] = values[name]
        return result

    @classmethod
    def set_status(cls, equipment, status):
        """Move equipment to status where the workflow allows it, for the
        maintenance and transfer documents (their own buttons are checked)"""
        transition = {
            'functional': cls.mark_functional,
            'non_functional': cls.mark_non_functional,
            'under_repair': cls.mark_under_repair,
            }[status]
        with without_check_access():
            transition(cls.browse(sorted({e.id for e in equipment})))

    @classmethod
    def check_not_condemned(cls, equipment):
        for item in equipment:
            if item.status == 'condemned':
                raise EquipmentCondemnedError(gettext(
                        'bhmis_inventory.msg_equipment_condemned',
                        equipment=item.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('functional')
    def mark_functional(cls, equipment):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('non_functional')
    def mark_non_functional(cls, equipment):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('under_repair')
    def mark_under_repair(cls, equipment):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('condemned')
    def condemn(cls, equipment):
        pass

    @classmethod
    @ModelView.button
    def request_preventive(cls, equipment):
        "Request a preventive maintenance of each item that has none open"
        cls.check_not_condemned(equipment)
        Pool().get('bhmis.equipment.maintenance').request_preventive(
            equipment)

    @classmethod
    def request_due_preventive(cls, date=None):
        """Request the preventive maintenance of the equipment due by date
        (default today); run daily by the scheduler"""
        pool = Pool()
        Date = pool.get('ir.date')
        Maintenance = pool.get('bhmis.equipment.maintenance')
        date = date or Date.today()
        due = cls.search([
                ('next_preventive_date', '<=', date),
                ('status', '!=', 'condemned'),
                ], order=[])
        return Maintenance.request_preventive(due)


class EquipmentStatusChange(ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.equipment.status_change'
    __string__ = "Equipment Status Change"
    _scope_facility = 'equipment.facility'
    equipment = fields.Many2One('bhmis.equipment', "Equipment",
        readonly=True)
    date = fields.DateTime("Date", readonly=True)
    status = fields.Selection(STATUSES, "Status", readonly=True)
    previous_status = fields.Selection(
        [(None, "")] + STATUSES, "Previous Status", readonly=True)
    user = fields.Many2One('res.user', "Changed By", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        "Status changes read from the equipment's history table"
        return field_changes(
            Pool().get('bhmis.equipment'), 'status', 'equipment')


class EquipmentSummary(ModelSQL, ModelView):
    __name__ = 'bhmis.equipment.summary'
    __string__ = "Equipment by District and Category"
    district = fields.Many2One('bhmis.district', "District", readonly=True)
    category = fields.Many2One(
        'bhmis.equipment.category', "Category", readonly=True)
    total = fields.Integer("Total", readonly=True)
    functional = fields.Integer("Functional", readonly=True)
    non_functional = fields.Integer("Non-Functional", readonly=True)
    under_repair = fields.Integer("Under Repair", readonly=True)
    not_functional = fields.Integer("Not Functional", readonly=True,
        help="Non-functional or under repair.")
    condemned = fields.Integer("Condemned", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('district', 'ASC'), ('category', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Equipment = pool.get('bhmis.equipment')
        Facility = pool.get('bhmis.facility')
        equipment = Equipment.__table__()
        facility = Facility.__table__()
        # Scoped like the equipment itself
        query = Equipment.search([], query=True, order=[])

        def count(*statuses):
            return Sum(Case((equipment.status.in_(statuses), 1), else_=0))
        return equipment.join(facility,
            condition=equipment.facility == facility.id).select(
            Min(equipment.id).as_('id'),
            facility.district, equipment.category,
            Count(equipment.id).as_('total'),
            count('functional').as_('functional'),
            count('non_functional').as_('non_functional'),
            count('under_repair').as_('under_repair'),
            count('non_functional', 'under_repair').as_('not_functional'),
            count('condemned').as_('condemned'),
            where=equipment.id.in_(query),
            group_by=[facility.district, equipment.category])


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('bhmis.equipment|request_due_preventive',
                "Request Due Preventive Maintenance"))
