# SPDX-License-Identifier: GPL-3.0-or-later
"""Pakistan's CNIC (13 digits, written 12345-1234567-1), without the ORM."""
import re

_SEPARATORS = re.compile(r'[\s-]')


def normalise(value):
    "Return the CNIC as 12345-1234567-1, or None when it is not 13 digits"
    if not value:
        return None
    digits = _SEPARATORS.sub('', value)
    if len(digits) != 13 or not digits.isdigit():
        return None
    return '%s-%s-%s' % (digits[:5], digits[5:12], digits[12])
