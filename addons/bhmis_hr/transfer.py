# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from bhmis_base.scope import ScopedMixin

from .exceptions import TransferError

TRANSFER_TYPES = [
    ('transfer', "Transfer"),
    ('promotion', "Promotion"),
    ('deputation', "Deputation"),
    ('attachment', "Attachment"),
    ]
STATES = [
    ('draft', "Draft"),
    ('approved', "Approved"),
    ('relieved', "Relieved"),
    ('joined', "Joined"),
    ('cancelled', "Cancelled"),
    ]
DRAFT = {'readonly': Eval('state') != 'draft'}


class Transfer(ScopedMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'bhmis.transfer'
    __string__ = "Transfer Order"
    _history = True
    _rec_name = 'order_number'
    # Seen from the facility the employee leaves and the one they join
    _scope_facility = ('from_facility', 'to_facility')
    # Written only by who holds the employee and both facilities: a
    # transfer across districts is the province's
    _scope_write = ('employee.facility', 'from_facility', 'to_facility')
    _button_scope = {
        'relieve': ('from_facility',),
        'join': ('to_facility',),
        }
    # Neither the employee moved nor whoever keyed in the order approves it
    _button_segregation = {'approve': ('employee', 'create_uid')}

    employee = fields.Many2One('company.employee', "Employee",
        required=True, ondelete='RESTRICT', states=DRAFT)
    from_posting = fields.Many2One('bhmis.posting', "From Posting",
        readonly=True, domain=[('employee', '=', Eval('employee', -1))])
    from_facility = fields.Many2One('bhmis.facility', "From Facility",
        readonly=True)
    to_facility = fields.Many2One('bhmis.facility', "To Facility",
        required=True, ondelete='RESTRICT', states=DRAFT,
        domain=[If(Eval('state') == 'draft',
                ('status', '!=', 'closed'), ())])
    to_designation = fields.Many2One('bhmis.designation', "To Designation",
        required=True, ondelete='RESTRICT', states=DRAFT)
    type = fields.Selection(TRANSFER_TYPES, "Type", required=True,
        states=DRAFT)
    order_number = fields.Char("Order Number", strip=True, states=DRAFT)
    order_date = fields.Date("Order Date", states=DRAFT)
    relieving_date = fields.Date("Relieving Date",
        states={
            'readonly': ~Eval('state').in_(['draft', 'approved']),
            'required': Eval('state').in_(['relieved', 'joined']),
            },
        help="When the employee leaves the old facility.")
    joining_date = fields.Date("Joining Date",
        domain=[If(Eval('joining_date') & Eval('relieving_date'),
                ('joining_date', '>', Eval('relieving_date')), ())],
        states={
            'readonly': Eval('state').in_(['joined', 'cancelled']),
            'required': Eval('state') == 'joined',
            },
        help="When the employee joins the new facility.")
    new_posting = fields.Many2One('bhmis.posting', "New Posting",
        readonly=True)
    approved_by = fields.Many2One('res.user', "Approved By", readonly=True,
        help="Who approved the order (not who keyed it in).")
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('order_date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'approved'),
            ('approved', 'relieved'),
            ('relieved', 'joined'),
            ('draft', 'cancelled'),
            ('approved', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'relieve': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                'join': {
                    'invisible': Eval('state') != 'relieved',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'approved']),
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_type(cls):
        return 'transfer'

    @fields.depends('employee', 'to_designation')
    def on_change_employee(self):
        if self.employee:
            self.from_facility = self.employee.facility
            if not self.to_designation:
                self.to_designation = self.employee.designation

    def get_rec_name(self, name):
        if self.order_number:
            return self.order_number
        return '%s → %s' % (
            self.employee.rec_name, self.to_facility.rec_name)

    def current_posting(self):
        open_ = [p for p in self.employee.postings
            if p.primary and not p.end_date]
        return max(open_, key=lambda p: p.start_date) if open_ else None

    @classmethod
    def check_approvable(cls, transfers):
        for transfer in transfers:
            if not transfer.order_number:
                raise TransferError(gettext(
                        'bhmis_hr.msg_transfer_order_number_required',
                        transfer=transfer.rec_name))
            if transfer.to_facility.status == 'closed':
                raise TransferError(gettext(
                        'bhmis_hr.msg_posting_closed_facility',
                        facility=transfer.to_facility.rec_name))
            if transfer.employee.hr_status != 'active':
                raise TransferError(gettext(
                        'bhmis_hr.msg_transfer_employee_inactive',
                        employee=transfer.employee.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, transfers):
        cls.check_approvable(transfers)
        user = Transaction().user or None
        for transfer in transfers:
            posting = transfer.current_posting()
            transfer.from_posting = posting
            transfer.from_facility = posting.facility if posting else None
            transfer.approved_by = user
        cls.save(transfers)

    @classmethod
    @ModelView.button
    @Workflow.transition('relieved')
    def relieve(cls, transfers):
        pool = Pool()
        Posting = pool.get('bhmis.posting')
        to_write = []
        for transfer in transfers:
            if not transfer.relieving_date:
                raise TransferError(gettext(
                        'bhmis_hr.msg_transfer_relieving_date_required',
                        transfer=transfer.rec_name))
            if transfer.from_posting:
                to_write.extend(([transfer.from_posting],
                        {'end_date': transfer.relieving_date}))
        if to_write:
            # The order moves the employee, whoever keys in its dates
            with without_check_access():
                Posting.write(*to_write)

    @classmethod
    @ModelView.button
    @Workflow.transition('joined')
    def join(cls, transfers):
        pool = Pool()
        Posting = pool.get('bhmis.posting')
        Employee = pool.get('company.employee')
        for transfer in transfers:
            if not transfer.joining_date:
                raise TransferError(gettext(
                        'bhmis_hr.msg_transfer_joining_date_required',
                        transfer=transfer.rec_name))
        with without_check_access():
            postings = Posting.create([t.new_posting_values()
                    for t in transfers])
            for transfer, posting in zip(transfers, postings):
                transfer.new_posting = posting
            cls.save(transfers)
            to_write = []
            for transfer in transfers:
                to_write.extend(([transfer.employee], {
                            'designation': transfer.to_designation.id,
                            'cadre': transfer.to_designation.cadre.id}))
            if to_write:
                Employee.write(*to_write)

    def new_posting_values(self):
        return {
            'employee': self.employee.id,
            'facility': self.to_facility.id,
            'designation': self.to_designation.id,
            'start_date': self.joining_date,
            'type': self.type,
            'order_number': self.order_number,
            'order_date': self.order_date,
            'transfer': self.id,
            }

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, transfers):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, transfers):
        cls.write(transfers, {'approved_by': None})
