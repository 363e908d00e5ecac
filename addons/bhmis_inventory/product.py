# SPDX-License-Identifier: GPL-3.0-or-later
"""Medicines are Tryton products (goods) with what a pharmacist names them
by, and always tracked by lot and expiry date."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import MedicineTrackingError
from .stock_check import check_locations_readable

DOSAGE_FORMS = [
    ('tablet', "Tablet"),
    ('capsule', "Capsule"),
    ('syrup', "Syrup"),
    ('suspension', "Suspension"),
    ('injection', "Injection"),
    ('infusion', "Infusion"),
    ('cream', "Cream"),
    ('ointment', "Ointment"),
    ('drops', "Drops"),
    ('inhaler', "Inhaler"),
    ('sachet', "Sachet"),
    ('suppository', "Suppository"),
    ('other', "Other"),
    ]
# The location types where a medicine moves only with its lot: every
# receipt, issue, transfer and loss names the lot (and so its expiry)
LOT_REQUIRED = ['supplier', 'customer', 'lost_found', 'storage']


def medicine_name(generic_name, strength, dosage_form):
    "The name a prescriber reads: Paracetamol 500 mg Tablet"
    form = dict(DOSAGE_FORMS).get(dosage_form, '')
    if dosage_form == 'other':
        form = ''
    return " ".join(filter(None, [generic_name, strength, form]))


def tracking_values():
    "The values that make a product tracked by lot and expiry"
    return {
        'lot_required': LOT_REQUIRED,
        'expiration_state': 'required',
        }


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'
    medicine = fields.Boolean("Medicine",
        help="A medicine of the BHMIS catalogue, always tracked by lot and "
        "expiry date.")
    generic_name = fields.Char("Generic Name", strip=True,
        states={
            'required': Eval('medicine', False),
            'invisible': ~Eval('medicine', False),
            },
        help="The international non-proprietary name, such as "
        "Paracetamol.")
    strength = fields.Char("Strength", strip=True,
        states={
            'invisible': ~Eval('medicine', False),
            },
        help="The amount of active ingredient per unit, such as 500 mg.")
    dosage_form = fields.Selection([(None, "")] + DOSAGE_FORMS,
        "Dosage Form", sort=False,
        states={
            'required': Eval('medicine', False),
            'invisible': ~Eval('medicine', False),
            })
    therapeutic_category = fields.Many2One(
        'bhmis.inventory.category', "Therapeutic Category",
        ondelete='RESTRICT',
        states={
            'required': Eval('medicine', False),
            'invisible': ~Eval('medicine', False),
            })
    essential = fields.Boolean("Essential",
        states={
            'invisible': ~Eval('medicine', False),
            },
        help="On the national essential medicines list.")
    tracer = fields.Boolean("Tracer",
        states={
            'invisible': ~Eval('medicine', False),
            },
        help="A tracer medicine: its availability at facilities is "
        "monitored as an indicator of the supply system.")
    cold_chain = fields.Boolean("Cold Chain",
        states={
            'invisible': ~Eval('medicine', False),
            },
        help="Must be kept refrigerated (2 to 8 °C) from the depot to the "
        "patient.")

    @classmethod
    def default_medicine(cls):
        return False

    @classmethod
    def default_essential(cls):
        return False

    @classmethod
    def default_tracer(cls):
        return False

    @classmethod
    def default_cold_chain(cls):
        return False

    @fields.depends('medicine')
    def on_change_medicine(self):
        if self.medicine:
            self.type = 'goods'
            for name, value in tracking_values().items():
                setattr(self, name, value)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('medicine'):
            # A medicine is tracked by lot and expiry whoever creates it
            for name, value in tracking_values().items():
                values.setdefault(name, value)
        return values

    @classmethod
    def validate_fields(cls, templates, field_names):
        super().validate_fields(templates, field_names)
        cls.check_medicine_tracking(templates, field_names)

    @classmethod
    def check_medicine_tracking(cls, templates, field_names=None):
        if field_names and not (field_names & {
                    'medicine', 'type', 'lot_required', 'expiration_state'}):
            return
        for template in templates:
            if not template.medicine:
                continue
            if (template.type != 'goods'
                    or not set(LOT_REQUIRED) <= set(
                        template.lot_required or [])
                    or template.expiration_state != 'required'):
                raise MedicineTrackingError(gettext(
                        'bhmis_inventory.msg_medicine_tracking',
                        medicine=template.rec_name))



class Product(metaclass=PoolMeta):
    "The variants read the medicine's fields from their template"
    __name__ = 'product.product'

    @classmethod
    def _quantity_locations(cls):
        location_ids = super()._quantity_locations()
        check_locations_readable(location_ids)
        return location_ids


class WarehouseContextMixin:
    """The quantities of a warehouse (Tryton's Quantities by Warehouse and
    their moves) are asked only of a warehouse the user reads"""
    __slots__ = ()

    @classmethod
    def table_query(cls):
        warehouse = Transaction().context.get('warehouse')
        if warehouse is not None:
            check_locations_readable([warehouse])
        return super().table_query()


class ProductQuantitiesByWarehouse(WarehouseContextMixin, metaclass=PoolMeta):
    __name__ = 'stock.product_quantities_warehouse'


class ProductQuantitiesByWarehouseMove(
        WarehouseContextMixin, metaclass=PoolMeta):
    __name__ = 'stock.product_quantities_warehouse.move'
