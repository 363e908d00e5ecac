# SPDX-License-Identifier: GPL-3.0-or-later
"""Receipts from suppliers: only the Medical Stores Depot and the district
stores receive medicines from outside the health department; every other
store is supplied by dispatch. The lot and its expiry date are required on
every received medicine (see product.py)."""
from trytond.i18n import gettext
from trytond.pool import PoolMeta

from bhmis_base.scope import ScopedMixin

from .exceptions import ReceiptStoreError
from .stock import DISTRICT_STORE, MSD


class ShipmentIn(ScopedMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.in'
    _scope_facility = 'warehouse.facility'

    @classmethod
    def validate_fields(cls, shipments, field_names):
        super().validate_fields(shipments, field_names)
        if field_names and 'warehouse' not in field_names:
            return
        for shipment in shipments:
            shipment.check_receiving_store()

    def check_receiving_store(self):
        facility = self.warehouse.facility if self.warehouse else None
        if facility and facility.type not in {MSD, DISTRICT_STORE}:
            raise ReceiptStoreError(gettext(
                    'bhmis_inventory.msg_receipt_store',
                    store=self.warehouse.rec_name))
