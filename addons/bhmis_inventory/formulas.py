# SPDX-License-Identifier: GPL-3.0-or-later
"""OpenLMIS stock indicators and equipment reliability, without the ORM.

Letters as in the OpenLMIS requisition: C consumed in the period, X
stock-out days, M months, E stock on hand, N adjusted consumption, P
average monthly consumption (AMC), H maximum stock, I order quantity.

- N = C * D / (D - X), D the days of the period. OpenLMIS writes D as 30M;
  adjusted_consumption() uses 30 * months unless given the real days (28
  to 31 for a calendar month, the total days for several months), and
  monthly_indicators() always passes the real days of the month. A period
  stocked out on every day (X == D) has no N (None): nothing was
  available to consume, so it says nothing about demand and the AMC
  leaves it out.
- P = mean of the last 3 N that exist (fewer when fewer exist).
- H = P * maximum months of stock; I = max(0, H - E).
- Months of stock (MOS) = E / P.
- A day is a stock-out day when the stock on hand at the end of the day is
  0 (or below, which only bad data gives).

Consumption C is what was issued: losses (expiry, damage) are not demand
and would inflate the order if counted.

Quantities may be int, float or Decimal; results are float. Sums are made
in Decimal so that 0.1 + 0.2 - 0.3 closes a day at exactly 0.
"""
import datetime as dt
import math
from decimal import Decimal

STATUSES = ('stocked_out', 'below_min', 'within', 'overstocked', 'unknown')
KINDS = ('received', 'issued', 'loss', 'adjustment_in', 'adjustment_out')
# The sign a move of each kind has on the stock on hand.
_SIGNS = {
    'received': 1, 'issued': -1, 'loss': -1,
    'adjustment_in': 1, 'adjustment_out': -1,
    }
DEFAULT_MIN_MONTHS = 1
DEFAULT_MAX_MONTHS = 3
AMC_PERIODS = 3


def _dec(value):
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # repr gives the shortest decimal that round-trips: 0.1 -> '0.1'
        # rather than the binary expansion Decimal(0.1) would keep.
        return Decimal(repr(value))
    return Decimal(value)


def _non_negative(value, name):
    if value is None or value < 0:
        raise ValueError(f'{name} must be a number >= 0, not {value!r}')


def adjusted_consumption(
        consumed, stockout_days, days_in_period=None, months=1):
    """N = C * D / (D - X); None when stocked out the whole period.

    D is days_in_period when given (the total days of the period), else
    30 * months as OpenLMIS writes it.
    """
    _non_negative(consumed, 'consumed')
    if months <= 0:
        raise ValueError(f'months must be > 0, not {months!r}')
    days = 30 * months if days_in_period is None else days_in_period
    if days <= 0:
        raise ValueError(f'days_in_period must be > 0, not {days!r}')
    _non_negative(stockout_days, 'stockout_days')
    if stockout_days > days:
        raise ValueError(
            f'{stockout_days} stock-out days in a period of {days} days')
    if stockout_days == days:
        return None
    return float(consumed) * days / (days - stockout_days)


def average_monthly_consumption(adjusted, periods=AMC_PERIODS):
    """The mean of the last `periods` N that are not None.

    adjusted is ordered oldest to newest.
    """
    if periods < 1:
        raise ValueError(f'periods must be >= 1, not {periods!r}')
    values = [_dec(n) for n in adjusted if n is not None][-periods:]
    if not values:
        return None
    return float(sum(values) / len(values))


def maximum_stock(amc, max_months):
    _non_negative(max_months, 'max_months')
    if amc is None:
        return None
    return float(amc) * float(max_months)


def order_quantity(amc, max_months, stock_on_hand):
    """I = max(0, H - E); 0 without an AMC: no demand, no order."""
    maximum = maximum_stock(amc, max_months)
    if maximum is None:
        return 0.0
    # Negative stock (late data entry) is nothing on the shelf, not a debt
    # to order back.
    return max(0.0, maximum - max(0.0, float(stock_on_hand)))


def months_of_stock(stock_on_hand, amc):
    if stock_on_hand <= 0:
        return 0.0
    if amc is None or amc == 0:
        return None
    return float(stock_on_hand) / float(amc)


def _check_months(min_months, max_months):
    _non_negative(min_months, 'min_months')
    _non_negative(max_months, 'max_months')
    if min_months > max_months:
        raise ValueError(
            f'min_months {min_months} > max_months {max_months}')


def stock_status(stock_on_hand, amc, min_months, max_months):
    """One of STATUSES; min and max months both count as 'within'."""
    _check_months(min_months, max_months)
    if stock_on_hand <= 0:
        return 'stocked_out'
    mos = months_of_stock(stock_on_hand, amc)
    if mos is None:
        return 'unknown'
    # E = 100, P = 100/3 must read as 3 months, not 3.0000000000000004.
    if math.isclose(mos, min_months) or math.isclose(mos, max_months):
        return 'within'
    if mos < min_months:
        return 'below_min'
    if mos > max_months:
        return 'overstocked'
    return 'within'


def _days(start, end):
    if start > end:
        raise ValueError(f'start {start} after end {end}')
    return (end - start).days + 1


def daily_closing(opening, moves, start, end):
    """[(day, closing stock)] for every day from start to end included.

    moves are (date, signed quantity) in any order; opening is the stock
    at the start of `start`, before its moves.
    """
    count = _days(start, end)
    net = [Decimal(0)] * count
    for date, quantity in moves:
        if not start <= date <= end:
            raise ValueError(f'move on {date} outside {start}..{end}')
        net[(date - start).days] += _dec(quantity)
    balance = _dec(opening)
    result = []
    for i in range(count):
        balance += net[i]
        result.append((start + dt.timedelta(days=i), float(balance)))
    return result


def stockout_days(opening, moves, start, end):
    """The days from start to end whose closing balance is <= 0."""
    return sum(
        1 for _, closing in daily_closing(opening, moves, start, end)
        if closing <= 0)


def monthly_indicators(
        opening, moves, start, end, history=(),
        min_months=DEFAULT_MIN_MONTHS, max_months=DEFAULT_MAX_MONTHS):
    """The figures of one store and product for the month start..end.

    moves are (date, positive quantity, kind), kind in KINDS; history is
    the adjusted consumption of the previous months, oldest to newest
    (None for a month stocked out throughout). C is the quantity issued
    and D the real days of the month.
    """
    _check_months(min_months, max_months)
    totals = dict.fromkeys(KINDS, Decimal(0))
    signed = []
    for date, quantity, kind in moves:
        if kind not in _SIGNS:
            raise ValueError(f'unknown move kind {kind!r}')
        _non_negative(quantity, f'{kind} quantity')
        quantity = _dec(quantity)
        totals[kind] += quantity
        signed.append((date, _SIGNS[kind] * quantity))
    opening = _dec(opening)
    losses = totals['loss'] + totals['adjustment_out']
    closing = (opening + totals['received'] + totals['adjustment_in']
        - totals['issued'] - losses)
    days = _days(start, end)
    stocked_out = stockout_days(opening, signed, start, end)
    adjusted = adjusted_consumption(
        totals['issued'], stocked_out, days_in_period=days)
    amc = average_monthly_consumption(list(history) + [adjusted])
    return {
        'opening': float(opening),
        'received': float(totals['received']),
        'issued': float(totals['issued']),
        'losses': float(losses),
        'adjustments_in': float(totals['adjustment_in']),
        'closing': float(closing),
        'stockout_days': stocked_out,
        'adjusted_consumption': adjusted,
        'amc': amc,
        'months_of_stock': months_of_stock(closing, amc),
        'max_stock': maximum_stock(amc, max_months),
        'order_quantity': order_quantity(amc, max_months, closing),
        'status': stock_status(closing, amc, min_months, max_months),
        }


def mtbf(operating_hours, failures):
    """Mean time between failures in hours; None without a failure."""
    _non_negative(operating_hours, 'operating_hours')
    _non_negative(failures, 'failures')
    if failures == 0:
        return None
    return float(operating_hours) / failures


def mttr(repair_hours):
    """Mean time to repair in hours; None without a repair."""
    hours = [_dec(h) for h in repair_hours]
    for h in hours:
        _non_negative(h, 'repair hours')
    if not hours:
        return None
    return float(sum(hours) / len(hours))


def fill_rate(requested, supplied=None):
    """Supplied / requested, from 0 to 1; None when nothing was requested.

    Called with one iterable of (requested, supplied) lines, with two
    parallel iterables, or with two numbers (one line). Each line's supply
    counts up to what it requested, so oversupplying one item does not
    hide a shortfall on another.
    """
    if supplied is None:
        lines = requested
    elif isinstance(requested, (int, float, Decimal)):
        lines = [(requested, supplied)]
    else:
        lines = zip(requested, supplied, strict=True)
    total = given = Decimal(0)
    for asked, got in lines:
        _non_negative(asked, 'requested')
        _non_negative(got, 'supplied')
        asked, got = _dec(asked), _dec(got)
        total += asked
        given += min(asked, got)
    if not total:
        return None
    return float(given / total)


def expiring_within(lots, today, days=90):
    """The quantity of (expiry, quantity) lots expiring from today to
    today + days, both included.

    A lot is usable through its expiry date, so one expiring today is
    expiring, not expired; lots without an expiry never expire.
    """
    _non_negative(days, 'days')
    limit = today + dt.timedelta(days=days)
    return float(sum(
        (_dec(q) for expiry, q in lots
            if expiry is not None and today <= expiry <= limit),
        Decimal(0)))


def expired_quantity(lots, today):
    """The quantity of (expiry, quantity) lots whose expiry is before
    today."""
    return float(sum(
        (_dec(q) for expiry, q in lots
            if expiry is not None and expiry < today),
        Decimal(0)))
