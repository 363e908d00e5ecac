# SPDX-License-Identifier: GPL-3.0-or-later
"""The OpenLMIS stock indicators and equipment figures, hand-computed.

The running example: a month with 300 issued and 6 stock-out days in 30
adjusts to 375; with the earlier months [375, 300, None, 330] the AMC is
335, the maximum stock (3 months) 1005 and a store holding 200 orders 805.
"""
import datetime as dt
import random
from decimal import Decimal

import pytest

try:
    from bhmis_inventory import formulas
except ImportError:  # before the package is installed
    import formulas

APRIL = dt.date(2025, 4, 1), dt.date(2025, 4, 30)


def april(day):
    return dt.date(2025, 4, day)


@pytest.mark.parametrize('consumed, stockout, days, months, expected', [
    (300, 6, 30, 1, 375.0),
    (300, 6, None, 1, 375.0),
    (0, 0, 30, 1, 0.0),
    (0, 10, 30, 1, 0.0),
    (500, 0, 31, 1, 500.0),
    # 28-day February, stocked out a week: 210 * 28 / 21
    (210, 7, 28, 1, 280.0),
    # a quarter in OpenLMIS days (30M = 90): 600 * 90 / 60
    (600, 30, None, 3, 900.0),
    (Decimal('300'), 6, 30, 1, 375.0),
    (300, 30, 30, 1, None),
    (0, 30, None, 1, None),
])
def test_adjusted_consumption(consumed, stockout, days, months, expected):
    assert formulas.adjusted_consumption(
        consumed, stockout, days, months) == expected


@pytest.mark.parametrize('consumed, stockout, days, months', [
    (300, -1, 30, 1),
    (300, 31, 30, 1),
    (300, 91, None, 3),
    (-5, 0, 30, 1),
    (300, 0, 0, 1),
    (300, 0, None, 0),
])
def test_adjusted_consumption_bad_input(consumed, stockout, days, months):
    with pytest.raises(ValueError):
        formulas.adjusted_consumption(consumed, stockout, days, months)


@pytest.mark.parametrize('adjusted, periods, expected', [
    ([375, 300, None, 330], 3, 335.0),
    ([100, 375, 300, None, 330], 3, 335.0),
    ([300, 330], 3, 315.0),
    ([None, 330, None], 3, 330.0),
    ([None, None], 3, None),
    ([], 3, None),
    ([375, 300, None, 330], 1, 330.0),
    ((Decimal('100.5'), Decimal('99.5')), 3, 100.0),
    (iter([375.0, 300.0, 330.0]), 3, 335.0),
])
def test_average_monthly_consumption(adjusted, periods, expected):
    assert formulas.average_monthly_consumption(
        adjusted, periods) == expected


def test_average_monthly_consumption_bad_periods():
    with pytest.raises(ValueError):
        formulas.average_monthly_consumption([300], 0)


def test_maximum_stock_and_order_quantity():
    assert formulas.maximum_stock(335, 3) == 1005.0
    assert formulas.maximum_stock(None, 3) is None
    assert formulas.order_quantity(335, 3, 200) == 805.0
    assert formulas.order_quantity(335, 3, Decimal('200')) == 805.0
    # Above the maximum: nothing to order, never a negative order.
    assert formulas.order_quantity(335, 3, 1200) == 0.0
    assert formulas.order_quantity(None, 3, 0) == 0.0
    # Negative stock from late entries orders up to H, not beyond.
    assert formulas.order_quantity(335, 3, -50) == 1005.0


@pytest.mark.parametrize('stock, amc, expected', [
    (670, 335, 2.0),
    (0, 335, 0.0),
    (0, None, 0.0),
    (0, 0, 0.0),
    (100, None, None),
    (100, 0, None),
    (Decimal('167.5'), 335, 0.5),
])
def test_months_of_stock(stock, amc, expected):
    assert formulas.months_of_stock(stock, amc) == expected


@pytest.mark.parametrize('stock, amc, min_months, max_months, expected', [
    (0, 100, 1, 3, 'stocked_out'),
    (0, None, 1, 3, 'stocked_out'),
    (-5, 100, 1, 3, 'stocked_out'),
    (50, 100, 1, 3, 'below_min'),
    (100, 100, 1, 3, 'within'),
    (200, 100, 1, 3, 'within'),
    (300, 100, 1, 3, 'within'),
    (301, 100, 1, 3, 'overstocked'),
    (50, None, 1, 3, 'unknown'),
    (50, 0, 1, 3, 'unknown'),
    # 17 / (17 / 7) is 7.000000000000001 in floats: still 7 months
    (17, 17 / 7, 1, 7, 'within'),
    # 9 / (9 / 7) is 6.999999999999999
    (9, 9 / 7, 7, 8, 'within'),
    (100, 100, 1, 1, 'within'),
])
def test_stock_status(stock, amc, min_months, max_months, expected):
    assert expected in formulas.STATUSES
    assert formulas.stock_status(
        stock, amc, min_months, max_months) == expected


def test_stock_status_min_above_max():
    with pytest.raises(ValueError):
        formulas.stock_status(100, 100, 3, 1)
    with pytest.raises(ValueError):
        formulas.stock_status(100, 100, -1, 3)


ISSUE_RECEIVE = [(april(3), -10), (april(7), 20)]


@pytest.mark.parametrize('opening, moves, expected', [
    # out from the 3rd, back on the 7th: 3, 4, 5, 6
    (10, ISSUE_RECEIVE, 4),
    (10, ISSUE_RECEIVE[::-1], 4),
    (0, [], 30),
    (25, [], 0),
    # received and issued the same day, netting to 0: the day counts
    (5, [(april(2), 10), (april(2), -15), (april(3), 10)], 1),
    # issued to 0 on the last day of the month
    (10, [(april(30), -10)], 1),
    # out from the start until a receipt on the 11th
    (0, [(april(11), 50)], 10),
    # floats that sum to 5.55e-17 still close the day at 0
    (0.1, [(april(1), 0.2), (april(1), -0.3)], 30),
    (Decimal('2.5'), [(april(16), Decimal('-2.5'))], 15),
])
def test_stockout_days(opening, moves, expected):
    assert formulas.stockout_days(opening, moves, *APRIL) == expected


def test_stockout_days_whole_month_gives_no_adjusted_consumption():
    days = formulas.stockout_days(0, [], *APRIL)
    assert formulas.adjusted_consumption(0, days, 30) is None


def test_stockout_days_unordered_moves():
    moves = [
        (april(2), -4), (april(5), -6), (april(9), 30), (april(12), -30),
        (april(20), 5), (april(20), -5), (april(25), 1)]
    # closing 10, then 6 (2nd..4th), 0 (5th..8th), 30 (9th..11th),
    # 0 (12th..24th, the 20th nets to 0), 1 from the 25th: 4 + 13 days
    shuffled = moves[:]
    random.Random(4).shuffle(shuffled)
    assert formulas.stockout_days(10, moves, *APRIL) == 17
    assert formulas.stockout_days(10, shuffled, *APRIL) == 17


def test_daily_closing():
    closing = formulas.daily_closing(
        10, [(april(3), -10), (april(4), 20)], april(1), april(5))
    assert closing == [
        (april(1), 10.0), (april(2), 10.0), (april(3), 0.0),
        (april(4), 20.0), (april(5), 20.0)]
    assert formulas.daily_closing(7, [], april(9), april(9)) == [
        (april(9), 7.0)]


@pytest.mark.parametrize('moves, start, end', [
    ([(dt.date(2025, 3, 31), 5)], *APRIL),
    ([(dt.date(2025, 5, 1), 5)], *APRIL),
    ([], april(10), april(9)),
])
def test_daily_closing_bad_input(moves, start, end):
    with pytest.raises(ValueError):
        formulas.daily_closing(10, moves, start, end)


APRIL_MOVES = [
    (april(4), 100, 'issued'),          # 100 -> 0, out the 4th to the 9th
    (april(10), 600, 'received'),       # 600
    (april(15), 80, 'issued'),          # 520
    (april(20), 60, 'issued'),          # 460
    (april(22), 10, 'loss'),            # 450
    (april(25), 5, 'adjustment_out'),   # 445
    (april(28), 15, 'adjustment_in'),   # 460
]


def test_monthly_indicators():
    # C = 240, X = 6 of 30: N = 240 * 30 / 24 = 300; AMC over
    # [330, 375, 300] = 335; H = 1005; I = 1005 - 460 = 545.
    result = formulas.monthly_indicators(
        100, APRIL_MOVES, *APRIL, history=[None, 330, 375],
        min_months=1, max_months=3)
    assert result == {
        'opening': 100.0,
        'received': 600.0,
        'issued': 240.0,
        'losses': 15.0,
        'adjustments_in': 15.0,
        'closing': 460.0,
        'stockout_days': 6,
        'adjusted_consumption': 300.0,
        'amc': 335.0,
        'months_of_stock': pytest.approx(460 / 335),
        'max_stock': 1005.0,
        'order_quantity': 545.0,
        'status': 'within',
        }


def test_monthly_indicators_unordered_decimal_moves():
    moves = [(d, Decimal(q), k) for d, q, k in reversed(APRIL_MOVES)]
    result = formulas.monthly_indicators(
        Decimal(100), moves, *APRIL, history=[None, 330, 375])
    assert result['stockout_days'] == 6
    assert result['closing'] == 460.0
    assert result['order_quantity'] == 545.0


def test_monthly_indicators_stocked_out_all_month():
    # No N this month: the AMC is that of the history, [300, 330] -> 315.
    result = formulas.monthly_indicators(
        0, [], *APRIL, history=[300, 330], min_months=1, max_months=3)
    assert result == {
        'opening': 0.0, 'received': 0.0, 'issued': 0.0, 'losses': 0.0,
        'adjustments_in': 0.0, 'closing': 0.0, 'stockout_days': 30,
        'adjusted_consumption': None, 'amc': 315.0, 'months_of_stock': 0.0,
        'max_stock': 945.0, 'order_quantity': 945.0,
        'status': 'stocked_out',
        }


def test_monthly_indicators_new_product():
    # Received, never issued: N = 0, so no AMC to judge the stock by.
    result = formulas.monthly_indicators(
        0, [(april(10), 500, 'received')], *APRIL)
    assert result['stockout_days'] == 9
    assert result['adjusted_consumption'] == 0.0
    assert result['amc'] == 0.0
    assert result['months_of_stock'] is None
    assert result['order_quantity'] == 0.0
    assert result['status'] == 'unknown'


@pytest.mark.parametrize('moves, kwargs', [
    ([(april(4), 10, 'stolen')], {}),
    ([(april(4), -10, 'issued')], {}),
    ([(dt.date(2025, 5, 1), 10, 'issued')], {}),
    ([], {'min_months': 3, 'max_months': 1}),
])
def test_monthly_indicators_bad_input(moves, kwargs):
    with pytest.raises(ValueError):
        formulas.monthly_indicators(100, moves, *APRIL, **kwargs)


@pytest.mark.parametrize('hours, failures, expected', [
    (720, 3, 240.0),
    (720, 0, None),
    (Decimal('100.5'), 2, 50.25),
])
def test_mtbf(hours, failures, expected):
    assert formulas.mtbf(hours, failures) == expected


@pytest.mark.parametrize('repairs, expected', [
    ([2, 4, 6], 4.0),
    ([1.5], 1.5),
    ([], None),
    (iter([Decimal('0.5'), Decimal('1')]), 0.75),
])
def test_mttr(repairs, expected):
    assert formulas.mttr(repairs) == expected


def test_reliability_bad_input():
    with pytest.raises(ValueError):
        formulas.mtbf(-1, 2)
    with pytest.raises(ValueError):
        formulas.mtbf(10, -1)
    with pytest.raises(ValueError):
        formulas.mttr([2, -1])


@pytest.mark.parametrize('args, expected', [
    # the 20 oversupplied on the 2nd line do not fill the 1st's gap
    (([(100, 80), (100, 120)],), 0.9),
    (([(50, 50)],), 1.0),
    (([(50, 0)],), 0.0),
    (([],), None),
    (([(0, 5)],), None),
    (([100, 100], [80, 120]), 0.9),
    ((200, 150), 0.75),
    ((Decimal('4'), Decimal('3')), 0.75),
])
def test_fill_rate(args, expected):
    assert formulas.fill_rate(*args) == expected


def test_fill_rate_bad_input():
    with pytest.raises(ValueError):
        formulas.fill_rate([(100, -1)])
    with pytest.raises(ValueError):
        formulas.fill_rate([100, 100], [80])


TODAY = dt.date(2025, 4, 1)
LOTS = [
    (dt.date(2025, 3, 31), 10),    # expired yesterday
    (TODAY, 20),                   # usable today: expiring
    (dt.date(2025, 6, 30), 30),    # today + 90: expiring
    (dt.date(2025, 7, 1), 40),     # today + 91: not yet
    (None, 50),                    # never expires
]


def test_expiring_within():
    assert formulas.expiring_within(LOTS, TODAY) == 50.0
    assert formulas.expiring_within(LOTS, TODAY, days=91) == 90.0
    assert formulas.expiring_within(LOTS, TODAY, days=0) == 20.0
    assert formulas.expiring_within([], TODAY) == 0.0


def test_expired_quantity():
    assert formulas.expired_quantity(LOTS, TODAY) == 10.0
    assert formulas.expired_quantity(LOTS, dt.date(2025, 7, 2)) == 100.0
    assert formulas.expired_quantity(
        [(dt.date(2025, 1, 1), Decimal('2.5'))], TODAY) == 2.5
    assert formulas.expired_quantity([], TODAY) == 0.0
