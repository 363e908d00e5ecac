# SPDX-License-Identifier: GPL-3.0-or-later
"""Pakistani mobile numbers, without the ORM.

A mobile is 3 followed by 9 digits after the country code 92 or the trunk
0: 03001234567, 0300-1234567, +92 300 1234567, 923001234567, 0092...
Urdu and Arabic-Indic digits are read as digits.  Landlines (an area
code, such as 081 for Quetta), short codes and anything with letters are
refused: only a mobile can receive an SMS."""
import re

_DIGITS = str.maketrans('۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩', '01234567890123456789')
_LAYOUT = re.compile(r'^\+?[0-9 ().\-]+$')
_MOBILE = re.compile(r'^(?:0092|92|0)(3[0-9]{9})$')


def normalise_mobile(text):
    "Return the mobile as +923001234567; raise ValueError otherwise"
    if not isinstance(text, str):
        raise ValueError("a mobile number is text")
    written = text.translate(_DIGITS).strip()
    if not _LAYOUT.match(written):
        raise ValueError("a mobile number has only digits")
    digits = re.sub(r'[^0-9]', '', written)
    if written.startswith('+') and not digits.startswith('92'):
        raise ValueError("not a Pakistani number")
    match = _MOBILE.match(digits)
    if not match:
        raise ValueError("not a Pakistani mobile number (03XX-XXXXXXX)")
    return '+92' + match.group(1)
