# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class EnrolmentError(UserError):
    "A photo or an employee cannot be enrolled; `code` says why"

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


class DuplicateFaceError(EnrolmentError):
    pass


class DeviceError(UserError):
    pass


class ShiftError(ValidationError):
    pass


class HolidayError(ValidationError):
    pass


class OfficialDutyError(ValidationError):
    pass


class RosterError(ValidationError):
    pass


class ReviewError(UserError):
    pass


class ConfigurationError(ValidationError):
    pass
