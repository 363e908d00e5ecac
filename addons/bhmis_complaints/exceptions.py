# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class ComplaintError(UserError):
    "A workflow step refused (state, reason missing, scope)"


class ComplaintInputError(UserError):
    """A public complaint refused for what only the database knows; errors
    maps each field of the request to its message"""

    def __init__(self, message, errors=None, **kwargs):
        super().__init__(message, **kwargs)
        self.errors = dict(errors or {})


class PhoneLimited(UserError):
    "A phone number that filed its hour's complaints already"


class FeedbackRefused(UserError):
    "A feedback on a complaint not resolved or already rated"


class AttachmentError(ValidationError):
    "An attachment of a complaint refused by its content, size or number"
