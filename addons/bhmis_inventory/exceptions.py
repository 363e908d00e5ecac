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


class RequisitionQuantityError(ValidationError):
    "A requisition line ordering a negative or no quantity"


class RequisitionApprovalError(UserError):
    "A requisition approved by someone who may not approve it"


class RequisitionSupplierError(UserError):
    "A requisition of a store that no store supplies"
