# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class MedicineTrackingError(ValidationError):
    "A medicine that would not be tracked by lot and expiry date"


class MedicineImportError(UserError):
    "A file of medicines that cannot be imported, with every problem"

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.problems = list(problems)


class EquipmentCondemnedError(UserError):
    "Work asked on condemned equipment"


class MaintenanceError(ValidationError):
    "A maintenance request that cannot be recorded"


class EquipmentTransferError(ValidationError):
    "A transfer of equipment that cannot be made"
class ReceiptStoreError(ValidationError):
    "A receipt from a supplier into a store that is not the MSD or a "
    "district store"


class DispatchSupplyError(ValidationError):
    "A dispatch to a store that the sending store does not supply"


class DispatchStockError(UserError):
    "A dispatch that cannot be sent in full"


class DispatchConfirmError(UserError):
    "A confirmation of delivery that cannot be recorded"


class StockLotError(UserError):
    "A line of an issue or adjustment without a valid lot"


class ExpiredLotError(UserError):
    "An expired lot that would be issued"


class InsufficientStockError(UserError):
    "A move that would take the stock of a lot below zero"


class StoreScopeError(UserError):
    "A user acting on a store they do not answer for"
class RequisitionQuantityError(ValidationError):
    "A requisition line ordering a negative or no quantity"


class RequisitionApprovalError(UserError):
    "A requisition approved by someone who may not approve it"


class RequisitionSupplierError(UserError):
    "A requisition of a store that no store supplies"
