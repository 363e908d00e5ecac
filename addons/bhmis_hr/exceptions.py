# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import AccessError, ValidationError


class CNICError(ValidationError):
    pass


class BPSError(ValidationError):
    pass


class PostingOverlapError(ValidationError):
    pass


class PostingClosedFacilityError(ValidationError):
    pass


class PostingBeyondSanctionedWarning(UserWarning):
    pass


class TransferError(UserError):
    pass


class EmployeeImportError(UserError):
    "A file of employees that cannot be imported, with every problem"

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.problems = list(problems)


class LeaveDatesError(ValidationError):
    pass


class LeaveOverlapError(ValidationError):
    pass


class LeaveBalanceError(ValidationError):
    pass


class LeaveDecisionError(UserError):
    pass


class LeaveDeleteError(AccessError):
    pass
