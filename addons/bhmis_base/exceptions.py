# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import AccessError, ValidationError


class GPSError(ValidationError):
    pass


class DHIS2UIDError(ValidationError):
    pass


class GPSOutsideProvinceWarning(UserWarning):
    pass


class FacilityImportError(UserError):
    "A file of facilities that cannot be imported, with every problem"

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.problems = list(problems)


class ReadonlyFieldError(AccessError):
    "A user gave a field that only the workflow or the system sets"


class UnreadableTargetError(AccessError):
    "A user pointed a record at a record they may not read"


class ScopeError(AccessError):
    "A user acted on a record outside their districts and facilities"


class SegregationError(AccessError):
    "The same person would both ask (or send) and approve (or receive)"


class SecretFieldError(AccessError):
    "A user searched or sorted on a secret field"
