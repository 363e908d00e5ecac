# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError


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
