# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError


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
