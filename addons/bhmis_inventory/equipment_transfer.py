# SPDX-License-Identifier: GPL-3.0-or-later
"""Transfers of equipment between facilities: the sending facility sends,
the receiving facility confirms receipt (never the person who sent it),
and the done transfers are the item's past locations."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from bhmis_base.scope import ScopedMixin

from .exceptions import EquipmentTransferError

STATES = [
    ('draft', "Draft"),
    ('sent', "Sent"),
    ('done', "Received"),
    ('cancelled', "Cancelled"),
    ]


class EquipmentTransfer(ScopedMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'bhmis.equipment.transfer'
    __string__ = "Equipment Transfer"
    _history = True
    # Both facilities see the transfer
    _scope_facility = ('from_facility', 'to_facility', 'equipment.facility')
    # Prepared only by who holds the item and the facility it goes to
    _scope_write = ('equipment.facility', 'from_facility', 'to_facility')
    # The item's facility sends (or recalls) it; the receiving facility
    # confirms receipt, and never the person who sent it
    _button_scope = dict.fromkeys(['send', 'cancel', 'draft'],
        ('equipment.facility',)) | {'do': ('to_facility',)}
    _button_segregation = {'do': ('sent_by',)}
    _states = {'readonly': Eval('state') != 'draft'}

    equipment = fields.Many2One('bhmis.equipment', "Equipment",
        required=True, ondelete='RESTRICT', states=_states,
        domain=[('status', '!=', 'condemned')])
    from_facility = fields.Many2One('bhmis.facility', "From Facility",
        ondelete='RESTRICT', readonly=True,
        help="Where the item was; set when the transfer is done.")
    to_facility = fields.Many2One('bhmis.facility', "To Facility",
        required=True, ondelete='RESTRICT', states=_states,
        domain=[('status', '!=', 'closed')])
    sent_by = fields.Many2One('res.user', "Sent By", readonly=True,
        ondelete='RESTRICT')
    received_by = fields.Many2One('res.user', "Received By", readonly=True,
        ondelete='RESTRICT')
    to_department = fields.Char("To Department", strip=True, states=_states)
    date = fields.Date("Date", required=True, states=_states)
    reason = fields.Text("Reason", states=_states)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._sql_indexes.update({
                Index(t, (t.equipment, Index.Range())),
                Index(t, (t.from_facility, Index.Range())),
                Index(t, (t.to_facility, Index.Range())),
                })
        cls._transitions |= {
            ('draft', 'sent'),
            ('sent', 'done'),
            ('draft', 'cancelled'),
            ('sent', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'send': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'do': {
                    'invisible': Eval('state') != 'sent',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'sent']),
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
    def default_date(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return '%s → %s' % (
            self.equipment.rec_name, self.to_facility.rec_name)

    @classmethod
    def validate_fields(cls, transfers, field_names):
        super().validate_fields(transfers, field_names)
        if field_names and not (
                field_names & {'equipment', 'to_facility', 'state'}):
            return
        cls.check_destination([t for t in transfers if t.state == 'draft'])

    @classmethod
    def check_destination(cls, transfers):
        "Refuse a transfer to where the item is, to a closed facility"
        for transfer in transfers:
            equipment = transfer.equipment
            if transfer.to_facility == equipment.facility:
                raise EquipmentTransferError(gettext(
                        'bhmis_inventory.msg_equipment_transfer_same',
                        equipment=equipment.rec_name,
                        facility=transfer.to_facility.rec_name))
            if transfer.to_facility.status == 'closed':
                raise EquipmentTransferError(gettext(
                        'bhmis_inventory.msg_equipment_transfer_closed',
                        equipment=equipment.rec_name,
                        facility=transfer.to_facility.rec_name))
        Pool().get('bhmis.equipment').check_not_condemned(
            [t.equipment for t in transfers])

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, transfers):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, transfers):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('sent')
    def send(cls, transfers):
        "Send the items: they stay where they are until received"
        cls.check_destination(transfers)
        cls.check_not_in_transit(transfers)
        moved = set()
        for transfer in transfers:
            if transfer.equipment in moved:
                raise EquipmentTransferError(gettext(
                        'bhmis_inventory.msg_equipment_transfer_twice',
                        equipment=transfer.equipment.rec_name))
            moved.add(transfer.equipment)
            transfer.from_facility = transfer.equipment.facility
            transfer.sent_by = Transaction().user or None
        cls.save(transfers)

    @classmethod
    def check_not_in_transit(cls, transfers):
        "Refuse to send an item already sent and not yet received"
        with without_check_access():
            in_transit = cls.search([
                    ('equipment', 'in', [t.equipment.id for t in transfers]),
                    ('state', '=', 'sent'),
                    ('id', 'not in', [t.id for t in transfers]),
                    ], limit=1)
        if in_transit:
            raise EquipmentTransferError(gettext(
                    'bhmis_inventory.msg_equipment_transfer_twice',
                    equipment=in_transit[0].equipment.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, transfers):
        "Confirm receipt: the items move to the receiving facility"
        Equipment = Pool().get('bhmis.equipment')
        Equipment.check_not_condemned([t.equipment for t in transfers])
        for transfer in transfers:
            if transfer.to_facility.status == 'closed':
                raise EquipmentTransferError(gettext(
                        'bhmis_inventory.msg_equipment_transfer_closed',
                        equipment=transfer.equipment.rec_name,
                        facility=transfer.to_facility.rec_name))
            transfer.received_by = Transaction().user or None
        cls.save(transfers)
        to_write = []
        for transfer in transfers:
            to_write.extend(([transfer.equipment], {
                        'facility': transfer.to_facility.id,
                        'department': transfer.to_department,
                        }))
        # The receiving facility may not hold the facility it came from
        if to_write:
            with without_check_access():
                Equipment.write(*to_write)
