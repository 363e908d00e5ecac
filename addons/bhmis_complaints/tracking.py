# SPDX-License-Identifier: GPL-3.0-or-later
"""Tracking numbers of complaints, such as 1129-7KQ4-M2XD, without the ORM.

Seven random characters of Crockford's base 32 (35 bits: about 34 billion
numbers, drawn from `secrets`, never sequential) and one check character
in the same alphabet, grouped four and four after the line's prefix.

The check character is Damm's algorithm over a quasigroup of order 32:
x * y = 2x + y in GF(32) (the field built on x^5 + x^2 + 1).  It is a
quasigroup (each row and column is a permutation), so a single changed
character always changes the result; it is totally anti-symmetric
((c * x) * y = (c * y) * x only when x = y, because the two sides differ
by 3(x + y) and 3 is not zero), so swapping two different adjacent
characters, the check character included, always changes it too.  A
weighted sum modulo 32 cannot do both (32 is not prime) and Luhn mod 32
misses some transpositions; Damm catches every single substitution and
every adjacent transposition, which tests/test_tracking.py proves by
exhaustive mutation.  A mistyped number is thus refused by parse() before
any database lookup.
"""
import secrets

ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
PREFIX = '1129'
BODY = 7
# Crockford's reading of characters that look alike
CONFUSABLES = {'I': '1', 'L': '1', 'O': '0'}
SEPARATORS = '-\u2010\u2011\u2012\u2013'
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_POLYNOMIAL = 0b100101  # x^5 + x^2 + 1


class InvalidNumber(ValueError):
    "The text is not a well-formed tracking number"


def _double(x):
    "2x in GF(32)"
    x <<= 1
    if x & 0b100000:
        x ^= _POLYNOMIAL
    return x


TABLE = tuple(tuple(_double(x) ^ y for y in range(32)) for x in range(32))


def _interim(symbols):
    interim = 0
    for symbol in symbols:
        interim = TABLE[interim][_VALUE[symbol]]
    return interim


def check_character(body):
    "Return the character that makes body + it check"
    interim = _interim(body)
    check, = [y for y in range(32) if TABLE[interim][y] == 0]
    return ALPHABET[check]


def is_valid(symbols):
    "Tell whether body + check character (8 canonical symbols) checks"
    return (len(symbols) == BODY + 1 and all(s in _VALUE for s in symbols)
        and _interim(symbols) == 0)


def format_number(symbols):
    return '%s-%s-%s' % (PREFIX, symbols[:4], symbols[4:])


def generate(rng=None):
    "Return a new random tracking number, from rng when given (tests)"
    choice = rng.choice if rng is not None else secrets.choice
    body = ''.join(choice(ALPHABET) for _ in range(BODY))
    return format_number(body + check_character(body))


def parse(text):
    """Return the canonical tracking number written in text

    Accepts lower case, spaces, missing or extra dashes, the prefix or
    not, and Crockford's look-alikes (I and L for 1, O for 0); raises
    InvalidNumber for anything else, or when the check fails."""
    if not isinstance(text, str):
        raise InvalidNumber("not text")
    symbols = ''.join(c for c in text.upper()
        if not (c.isspace() or c in SEPARATORS))
    symbols = ''.join(CONFUSABLES.get(c, c) for c in symbols)
    if len(symbols) == len(PREFIX) + BODY + 1 and symbols.startswith(
            PREFIX):
        symbols = symbols[len(PREFIX):]
    if len(symbols) != BODY + 1:
        raise InvalidNumber("a tracking number has %s characters after "
            "%s-" % (BODY + 1, PREFIX))
    wrong = [c for c in symbols if c not in _VALUE]
    if wrong:
        raise InvalidNumber("%r is not a character of tracking numbers"
            % wrong[0])
    if not is_valid(symbols):
        raise InvalidNumber("the check character does not match: "
            "the number is mistyped")
    return format_number(symbols)
