# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class ContentError(ValidationError):
    "A page, news item or document that cannot be saved as it is"


class DocumentError(UserError):
    "A downloadable document that is not a readable PDF"
