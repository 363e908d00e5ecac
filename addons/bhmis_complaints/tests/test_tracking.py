# SPDX-License-Identifier: GPL-3.0-or-later
"""Tracking numbers: their shape, their randomness and a check character
that catches every single mistyped character and every swap of two
neighbours."""
import random
import re

import pytest

from bhmis_complaints.tracking import (
    ALPHABET,
    TABLE,
    InvalidNumber,
    generate,
    is_valid,
    parse,
)

SHAPE = re.compile(r'^1129-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$')


def symbols_of(number):
    return number.replace('1129-', '').replace('-', '')


def test_shape_and_no_two_alike():
    numbers = [generate() for _ in range(2000)]
    assert all(SHAPE.match(n) for n in numbers), numbers[:5]
    assert len(set(numbers)) == len(numbers), "numbers repeat"
    assert all(parse(n) == n for n in numbers)


def test_not_sequential():
    "Two numbers in a row share no common prefix beyond chance"
    numbers = [symbols_of(generate()) for _ in range(500)]
    same_first = sum(a[0] == b[0] for a, b in zip(numbers, numbers[1:]))
    assert same_first < 60, "first characters follow each other"


def test_rng_given_is_reproducible():
    assert generate(random.Random(7)) == generate(random.Random(7))
    assert generate(random.Random(7)) != generate(random.Random(8))


def test_table_is_a_totally_antisymmetric_quasigroup():
    for row in TABLE:
        assert sorted(row) == list(range(32))
    for y in range(32):
        assert sorted(TABLE[x][y] for x in range(32)) == list(range(32))
    for c in range(32):
        for x in range(32):
            for y in range(32):
                if x != y:
                    assert TABLE[TABLE[c][x]][y] != TABLE[TABLE[c][y]][x]


def test_every_substitution_and_adjacent_swap_is_caught():
    rng = random.Random(1129)
    checked = 0
    for _ in range(300):
        symbols = symbols_of(generate(rng))
        assert is_valid(symbols)
        for position in range(len(symbols)):
            for other in ALPHABET:
                if other == symbols[position]:
                    continue
                wrong = (symbols[:position] + other
                    + symbols[position + 1:])
                assert not is_valid(wrong), (symbols, wrong)
                checked += 1
        for position in range(len(symbols) - 1):
            a, b = symbols[position], symbols[position + 1]
            if a == b:
                continue
            wrong = (symbols[:position] + b + a + symbols[position + 2:])
            assert not is_valid(wrong), (symbols, wrong)
            checked += 1
    assert checked > 300 * 8 * 31


def test_mistyped_number_refused_by_parse():
    number = generate(random.Random(3))
    symbols = symbols_of(number)
    other = '0' if symbols[2] != '0' else '1'
    with pytest.raises(InvalidNumber, match="mistyped"):
        parse(symbols[:2] + other + symbols[3:])


@pytest.mark.parametrize('written', [
    '{lower}', '{spaces}', '{nodash}', '{body}', '{extra}', '{padded}',
    ])
def test_parse_accepts_how_people_write_it(written):
    number = generate(random.Random(11))
    body = symbols_of(number)
    text = written.format(
        lower=number.lower(),
        spaces=' '.join(number.replace('-', ' ')),
        nodash=number.replace('-', ''),
        body=body[:4] + '-' + body[4:],
        extra='1129--%s--%s-' % (body[:4], body[4:]),
        padded='  %s\n' % number)
    assert parse(text) == number


def test_parse_reads_crockford_lookalikes():
    rng = random.Random(0)
    while True:
        number = generate(rng)
        if '1' in symbols_of(number) and '0' in symbols_of(number):
            break
    body = symbols_of(number)
    assert parse(body.replace('1', 'l').replace('0', 'O')) == number
    assert parse(body.replace('1', 'I').replace('0', 'o')) == number


@pytest.mark.parametrize('text', [
    '', '1129', '1129-7KQ4-M2X', '1129-7KQ4-M2XDD', '1129-7KQ4-M2XU',
    '1129-7KQ4-M2X*', '2229-7KQ4-M2XD-A', 'hello world!', None, 1129,
    '1129-٧KQ4-M2XD',
    ])
def test_parse_refuses_what_is_not_a_number(text):
    with pytest.raises(InvalidNumber):
        parse(text)


def test_u_is_refused_even_when_it_would_check():
    "Crockford leaves U out: no number contains it"
    number = symbols_of(generate(random.Random(5)))
    with pytest.raises(InvalidNumber, match="'U'"):
        parse(number[:3] + 'U' + number[4:])
