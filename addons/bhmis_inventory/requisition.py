# SPDX-License-Identifier: GPL-3.0-or-later
"""Monthly requisitions of a store to the store that supplies it.

The proposal orders each medicine up to its maximum months of stock:
I = max(0, AMC × maximum months − stock on hand), with the AMC and stock of
the month before (the indicators). The store keeper edits the quantities
and submits; the keeper of the supplying store, the district officer or
an administrator approves, and the approved requisition becomes a draft
internal shipment from the supplying store, which the flows then dispatch.
"""
import datetime as dt
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from bhmis_base.scope import ScopedMixin

from . import formulas, indicators
from .exceptions import (
    RequisitionApprovalError,
    RequisitionQuantityError,
    RequisitionSupplierError,
)
from .stock_check import check_store_scope

STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('approved', "Approved"),
    ('cancelled', "Cancelled"),
    ]
DRAFT = {'readonly': Eval('state') != 'draft'}


class Requisition(ScopedMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'bhmis.inventory.requisition'
    __string__ = "Requisition"
    _history = True
    _rec_name = 'number'
    # The requesting store's people and those of the store that supplies it
    _scope_facility = ('facility', 'supplier_facility')
    # Written by the requesting store; approved (check_approver) by the
    # supplying side, never by who submitted it
    _scope_write = ('facility',)
    _button_segregation = {'approve': ('submitted_by', 'create_uid')}
    # The supplying side approves (check_approver says who further)
    _button_scope = {'approve': ('supplier_facility',)}

    number = fields.Char("Number", readonly=True)
    store = fields.Many2One('stock.location', "Store", required=True,
        ondelete='RESTRICT',
        domain=[('type', '=', 'warehouse'), ('facility', '!=', None)],
        states=DRAFT, help="The store that orders.")
    facility = fields.Many2One('bhmis.facility', "Facility", readonly=True,
        ondelete='RESTRICT')
    supplier = fields.Many2One('stock.location', "Supplied From",
        readonly=True, ondelete='RESTRICT',
        help="The store that supplies the requesting store.")
    supplier_facility = fields.Many2One('bhmis.facility',
        "Supplying Facility", readonly=True, ondelete='RESTRICT')
    month = fields.Date("Month", required=True, states=DRAFT,
        help="The first day of the month the requisition is for.")
    lines = fields.One2Many('bhmis.inventory.requisition.line',
        'requisition', "Lines", states=DRAFT)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    submitted_by = fields.Many2One('res.user', "Submitted By",
        readonly=True)
    approved_by = fields.Many2One('res.user', "Approved By", readonly=True)
    shipment = fields.Many2One('stock.shipment.internal', "Dispatch",
        readonly=True, ondelete='RESTRICT',
        help="The internal shipment from the supplying store.")
    fill_rate = fields.Function(fields.Float("Fill Rate", digits=(16, 2),
            help="Dispatched ÷ approved quantity, each line counting up "
            "to what it approved."),
        'get_fill_rate')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('store_month_unique', Unique(t, t.store, t.month),
                'bhmis_inventory.msg_requisition_store_month_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.facility, Index.Equality()),
                    (t.month, Index.Range())),
                Index(t, (t.supplier_facility, Index.Equality()),
                    (t.state, Index.Equality())),
                })
        cls._order = [('month', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'draft'),
            ('submitted', 'approved'),
            ('draft', 'cancelled'),
            ('submitted', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ~Eval('state').in_(
                        ['submitted', 'cancelled']),
                    'icon': If(Eval('state') == 'cancelled',
                        'tryton-undo', 'tryton-back'),
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'submitted']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_month(cls):
        return indicators.month_start(Pool().get('ir.date').today())

    @classmethod
    def preprocess_values(cls, mode, values):
        "Keep the facility and supplier those of the store"
        Location = Pool().get('stock.location')
        values = super().preprocess_values(mode, values)
        if values.get('month'):
            values['month'] = indicators.month_start(values['month'])
        if values.get('store'):
            with without_check_access():
                store = Location(values['store'])
                values['facility'] = store.facility.id
                supplier = store.parent_store
                values['supplier'] = supplier.id if supplier else None
                values['supplier_facility'] = (supplier.facility.id
                    if supplier and supplier.facility else None)
        return values

    @classmethod
    def on_modification(cls, mode, requisitions, field_names=None):
        super().on_modification(mode, requisitions, field_names=field_names)
        if mode == 'create':
            to_write = []
            for requisition in requisitions:
                if not requisition.number:
                    to_write.extend(([requisition], {
                                'number': 'REQ-%s-%s' % (
                                    requisition.month.strftime('%Y%m'),
                                    requisition.id)}))
            if to_write:
                cls.write(*to_write)

    def get_fill_rate(self, name):
        lines = [(line.quantity or 0, line.dispatched_quantity or 0)
            for line in self.lines if self.state == 'approved']
        return formulas.fill_rate(lines) if lines else None

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, requisitions):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, requisitions):
        for requisition in requisitions:
            for line in requisition.lines:
                if line.quantity is None or line.quantity < 0:
                    raise RequisitionQuantityError(gettext(
                            'bhmis_inventory.msg_requisition_quantity',
                            requisition=requisition.rec_name,
                            product=line.product.rec_name,
                            quantity=line.quantity))
        cls.write(requisitions, {'submitted_by': Transaction().user})

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, requisitions):
        for requisition in requisitions:
            requisition.check_approver()
        cls.write(requisitions, {'approved_by': Transaction().user})
        cls.create_shipments(requisitions)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, requisitions):
        pass

    def check_approver(self):
        """Only the supplying store's people, the district's officer or a
        province-wide role approve; never the requesting store alone"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        transaction = Transaction()
        if not self.supplier_facility:
            raise RequisitionSupplierError(gettext(
                    'bhmis_inventory.msg_requisition_no_supplier',
                    requisition=self.rec_name))
        # Buttons run without access checks: the user decides here
        if not transaction.user:
            return
        unrestricted, districts, facilities = User.get_bhmis_scope()
        groups = set(User.get_groups())
        dho = ModelData.get_id('bhmis_base', 'group_dho')
        if (unrestricted
                or self.supplier_facility.id in facilities
                or (dho in groups and self.facility.district.id in districts)):
            return
        raise RequisitionApprovalError(gettext(
                'bhmis_inventory.msg_requisition_approver',
                requisition=self.rec_name,
                supplier=self.supplier_facility.rec_name))

    @classmethod
    def create_shipments(cls, requisitions):
        "Each approved requisition becomes a draft internal shipment"
        pool = Pool()
        Shipment = pool.get('stock.shipment.internal')
        Date = pool.get('ir.date')
        today = Date.today()
        with without_check_access():
            plans = []
            for requisition in requisitions:
                lines = [l for l in requisition.lines if l.quantity]
                if not lines or requisition.shipment:
                    continue
                from_ = requisition.supplier.storage_location
                to = requisition.store.storage_location
                company = Transaction().context.get('company') or (
                    cls._default_company())
                planned = max(requisition.month, today)
                plans.append((requisition, {
                            'company': company,
                            'from_location': from_.id,
                            'to_location': to.id,
                            'planned_date': planned,
                            'planned_start_date': planned,
                            'reference': requisition.number,
                            'moves': [('create', [{
                                            'product': l.product.id,
                                            'unit': l.product.default_uom.id,
                                            'quantity': l.quantity,
                                            'from_location': from_.id,
                                            'to_location': to.id,
                                            'planned_date': planned,
                                            'company': company,
                                            } for l in lines])],
                            }))
            if not plans:
                return
            shipments = Shipment.create([p for _, p in plans])
            to_write = []
            for (requisition, _), shipment in zip(plans, shipments):
                to_write.extend(([requisition], {'shipment': shipment.id}))
            cls.write(*to_write)

    @staticmethod
    def _default_company():
        Company = Pool().get('company.company')
        companies = Company.search([], limit=1, order=[('id', 'ASC')])
        return companies[0].id if companies else None

    @classmethod
    def propose(cls, stores, month):
        """Create the draft requisitions of the stores for the month from
        the indicators of the month before; skip stores that have one.
        Return the new requisitions."""
        month = indicators.month_start(month)
        existing = {r.store.id for r in cls.search([
                    ('store', 'in', [s.id for s in stores]),
                    ('month', '=', month),
                    ])}
        stores = [s for s in stores
            if s.id not in existing and s.parent_store and s.facility]
        if not stores:
            return []
        figures = indicators.compute([s.facility.id for s in stores],
            month - dt.timedelta(days=1))
        by_facility = defaultdict(list)
        for row in figures:
            by_facility[row['facility']].append(row)
        to_create = []
        for store in stores:
            lines = []
            for row in by_facility.get(store.facility.id, []):
                quantity = round(row['order_quantity'])
                if quantity <= 0:
                    continue
                lines.append({
                        'product': row['product'],
                        'stock_on_hand': row['closing'],
                        'amc': row['amc'],
                        'max_months': row['max_months'],
                        'proposed_quantity': quantity,
                        'quantity': quantity,
                        })
            to_create.append({'store': store.id, 'month': month,
                    'lines': [('create', lines)]})
        for store in stores:
            check_store_scope(store)
        # The computed figures are BHMIS's, not the user's: they are written
        # without the checks of what a user gives by hand
        with without_check_access():
            return cls.create(to_create)

    @classmethod
    def propose_all(cls):
        "The cron's: this month's proposal for every store with a supplier"
        Location = Pool().get('stock.location')
        today = Pool().get('ir.date').today()
        stores = Location.search([('type', '=', 'warehouse'),
                ('facility', '!=', None), ('parent_store', '!=', None)])
        return cls.propose(stores, today)


class RequisitionLine(ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.inventory.requisition.line'
    __string__ = "Requisition Line"
    _history = True
    _scope_facility = ('requisition.facility',
        'requisition.supplier_facility')
    _scope_write = ('requisition.facility',)

    requisition = fields.Many2One('bhmis.inventory.requisition',
        "Requisition", required=True, ondelete='CASCADE')
    product = fields.Many2One('product.product', "Medicine", required=True,
        domain=[('medicine', '=', True)], ondelete='RESTRICT')
    stock_on_hand = fields.Float("Stock on Hand", readonly=True,
        help="At the end of the month before.")
    amc = fields.Float("AMC", readonly=True,
        help="Average monthly consumption over the last 3 months.")
    max_months = fields.Float("Maximum Months", readonly=True)
    proposed_quantity = fields.Float("Proposed", readonly=True,
        help="AMC × maximum months − stock on hand.")
    quantity = fields.Float("Quantity", required=True,
        help="The quantity ordered; the store keeper may change the "
        "proposal.")
    dispatched_quantity = fields.Function(fields.Float("Dispatched",
            help="What the supplying store has sent of this line."),
        'get_dispatched_quantity')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.requisition, Index.Equality())))

    @classmethod
    def default_quantity(cls):
        return 0

    @classmethod
    def get_dispatched_quantity(cls, lines, name):
        "The done moves of the dispatch leaving the supplying facility"
        result = dict.fromkeys([l.id for l in lines], 0.0)
        by_requisition = defaultdict(list)
        for line in lines:
            by_requisition[line.requisition].append(line)
        with without_check_access():
            for requisition, req_lines in by_requisition.items():
                if not requisition.shipment:
                    continue
                sent = defaultdict(float)
                for move in requisition.shipment.moves:
                    if (move.state == 'done'
                            and move.from_location.facility
                            == requisition.supplier_facility):
                        sent[move.product.id] += move.internal_quantity
                for line in req_lines:
                    result[line.id] = sent.get(line.product.id, 0.0)
        return result


class ProposeStart(ModelView):
    __name__ = 'bhmis.inventory.requisition.propose.start'
    __string__ = "Propose Requisitions"
    month = fields.Date("Month", required=True,
        help="The month to order for; the figures are the month before's.")
    stores = fields.Many2Many('stock.location', None, None, "Stores",
        domain=[('type', '=', 'warehouse'), ('facility', '!=', None),
            ('parent_store', '!=', None)],
        help="Leave empty for every store you answer for.")

    @classmethod
    def default_month(cls):
        return indicators.month_start(Pool().get('ir.date').today())


class Propose(Wizard):
    __name__ = 'bhmis.inventory.requisition.propose'
    start = StateView('bhmis.inventory.requisition.propose.start',
        'bhmis_inventory.requisition_propose_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Propose", 'propose', 'tryton-ok', default=True),
            ])
    propose = StateTransition()

    def transition_propose(self):
        pool = Pool()
        Requisition = pool.get('bhmis.inventory.requisition')
        Location = pool.get('stock.location')
        stores = list(self.start.stores) or Location.search([
                ('type', '=', 'warehouse'), ('facility', '!=', None),
                ('parent_store', '!=', None)])
        Requisition.propose(stores, self.start.month)
        return 'end'
