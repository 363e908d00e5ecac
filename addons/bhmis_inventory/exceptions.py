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
