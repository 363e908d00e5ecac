# SPDX-License-Identifier: GPL-3.0-or-later
"""The daily attendance rules, the absenteeism rate and roster coverage,
without a database. Fixed dates: day D is Monday 10 March 2025."""
import datetime as dt

import pytest

from bhmis_attendance.daily import (
    STATUSES,
    Day,
    Rules,
    Shift,
    absenteeism_rate,
    classify,
    coverage_gaps,
    month_days,
    punch_window,
)

D = dt.date(2025, 3, 10)
NEXT = D + dt.timedelta(days=1)
MORNING = Shift(dt.time(8), dt.time(14))
EVENING = Shift(dt.time(14), dt.time(20))
NIGHT = Shift(dt.time(20), dt.time(8))
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def at(hour, minute=0, second=0, day=D):
    return dt.datetime.combine(day, dt.time(hour, minute, second))


def nxt(hour, minute=0, second=0):
    return at(hour, minute, second, day=NEXT)


def IN(time):
    return (time, 'in')


def OUT(time):
    return (time, 'out')


def check(result, status, first_in=..., last_out=..., late=0, early=0,
          worked=None):
    assert result.status == status
    assert result.late_minutes == late
    assert result.early_minutes == early
    if first_in is not ...:
        assert result.first_in == first_in
    if last_out is not ...:
        assert result.last_out == last_out
    if worked is not None:
        assert result.worked == worked


@pytest.mark.parametrize('punches, status, late, early, worked', [
    pytest.param([IN(at(7, 55)), OUT(at(14, 5))], 'present', 0, 0, 6 * H + 10 * M, id='on time'),
    pytest.param([IN(at(8, 20)), OUT(at(14))], 'late', 20, 0, 5 * H + 40 * M, id='20 min late'),
    pytest.param([IN(at(8, 10)), OUT(at(14))], 'present', 0, 0, 5 * H + 50 * M, id='10 min late, within grace'),
    pytest.param([IN(at(8, 15)), OUT(at(14))], 'present', 0, 0, None, id='exactly at the grace'),
    pytest.param([IN(at(8, 15, 1)), OUT(at(14))], 'late', 16, 0, None, id='a second past the grace: a started minute counts'),
    pytest.param([IN(at(7, 58)), OUT(at(13))], 'left_early', 0, 60, 5 * H + 2 * M, id='left 1 h early'),
    pytest.param([IN(at(7, 58)), OUT(at(13, 45))], 'present', 0, 0, None, id='left within the early grace'),
    pytest.param([IN(at(8, 30)), OUT(at(12))], 'late', 30, 120, 3 * H + 30 * M, id='late and left early: late wins, both minutes kept'),
    pytest.param([], 'absent', 0, 0, dt.timedelta(0), id='no punches'),
    pytest.param([IN(at(7, 58))], 'present', 0, 0, dt.timedelta(0), id='forgot to check out'),
    pytest.param([IN(at(9))], 'late', 60, 0, dt.timedelta(0), id='late and forgot to check out'),
    pytest.param([OUT(at(14))], 'absent', 0, 0, dt.timedelta(0), id='a check-out alone is no arrival'),
    pytest.param([IN(at(15)), OUT(at(17))], 'absent', 0, 0, dt.timedelta(0), id='check-in after the shift ended'),
])
def test_morning_shift(punches, status, late, early, worked):
    result = classify(D, MORNING, punches)
    check(result, status, late=late, early=early, worked=worked)
    assert result.status in STATUSES


def test_forgotten_check_out_has_no_last_out():
    check(classify(D, MORNING, [IN(at(7, 58))]), 'present',
          first_in=at(7, 58), last_out=None)


def test_night_shift_shape():
    assert NIGHT.crosses_midnight and not MORNING.crosses_midnight
    assert NIGHT.window(D) == (at(20), nxt(8))
    assert NIGHT.duration == 12 * H
    assert MORNING.duration == 6 * H
    assert Shift(dt.time(22), dt.time(0)).window(D) == (at(22), nxt(0))


@pytest.mark.parametrize('punches, status, late, early, worked', [
    pytest.param([IN(at(19, 55)), OUT(nxt(8, 5))], 'present', 0, 0, 12 * H + 10 * M, id='on time, out next morning'),
    pytest.param([IN(at(21)), OUT(nxt(8))], 'late', 60, 0, 11 * H, id='an hour late'),
    pytest.param([IN(at(19, 50)), OUT(nxt(7))], 'left_early', 0, 60, 11 * H + 10 * M, id='left an hour early'),
    pytest.param([IN(at(19, 55)), OUT(at(23, 30)), IN(nxt(0, 15)), OUT(nxt(8))], 'present', 0, 0, 11 * H + 20 * M, id='a break after midnight'),
])
def test_night_shift_belongs_to_the_day_it_starts(punches, status, late,
                                                 early, worked):
    check(classify(D, NIGHT, punches), status, late=late, early=early,
          worked=worked)


def test_night_check_out_is_not_a_punch_of_the_next_morning_shift():
    punches = [IN(at(19, 55)), OUT(nxt(8, 5))]
    check(classify(D, NIGHT, punches), 'present', last_out=nxt(8, 5))
    # 08:05 is inside the morning window (05:00-18:00) but before any 'in'
    check(classify(NEXT, MORNING, punches), 'absent', first_in=None,
          last_out=None, worked=dt.timedelta(0))


def test_night_then_morning_double_duty_keeps_both_shifts_apart():
    punches = [IN(at(19, 55)), OUT(nxt(7, 59)), IN(nxt(8, 1)),
               OUT(nxt(11)), IN(nxt(11, 30)), OUT(nxt(14, 2))]
    # the night window ends at 12:00, but the 08:01 'in' is after its end
    check(classify(D, NIGHT, punches), 'present', first_in=at(19, 55),
          last_out=nxt(7, 59), worked=12 * H + 4 * M)
    check(classify(NEXT, MORNING, punches), 'present', first_in=nxt(8, 1),
          last_out=nxt(14, 2), worked=5 * H + 31 * M)


def test_changeover_at_the_same_instant():
    punches = [IN(at(19, 55)), OUT(nxt(8)), IN(nxt(8)), OUT(nxt(14))]
    check(classify(D, NIGHT, punches), 'present', last_out=nxt(8))
    check(classify(NEXT, MORNING, punches), 'present', first_in=nxt(8),
          last_out=nxt(14))


def test_missed_night_but_came_for_the_morning():
    punches = [IN(nxt(7, 50)), OUT(nxt(14))]
    # alone, the night cannot tell a morning arrival from a very late one
    check(classify(D, NIGHT, punches), 'late', late=11 * 60 + 50)
    check(classify(D, NIGHT, punches, next_start=nxt(8)), 'absent')
    check(classify(NEXT, MORNING, punches), 'present')


def test_next_start_keeps_returns_from_a_break():
    punches = [IN(at(19, 55)), OUT(nxt(5, 30)), IN(nxt(6)), OUT(nxt(7, 59)),
               IN(nxt(8, 1))]
    check(classify(D, NIGHT, punches, next_start=nxt(8)), 'present',
          last_out=nxt(7, 59), worked=11 * H + 34 * M)


def test_next_start_before_the_end_is_refused():
    with pytest.raises(ValueError):
        classify(D, NIGHT, [], next_start=nxt(7))


def test_punch_window():
    assert punch_window(D, MORNING) == (at(5), at(18))
    assert punch_window(D, NIGHT) == (at(17), nxt(12))
    rules = Rules(before_start=H, after_end=2 * H)
    assert punch_window(D, NIGHT, rules) == (at(19), nxt(10))


@pytest.mark.parametrize('punches, status', [
    pytest.param([IN(at(17)), OUT(nxt(8))], 'present', id='in at the window start counts'),
    pytest.param([IN(at(16, 59, 59)), OUT(nxt(8))], 'absent', id='in a second before the window is ignored'),
    pytest.param([IN(at(19, 55)), OUT(nxt(12))], 'present', id='out at the window end counts'),
    pytest.param([IN(at(19, 55)), OUT(nxt(7)), OUT(nxt(12, 0, 1))], 'left_early', id='out a second after the window is ignored'),
])
def test_window_boundaries_are_included(punches, status):
    assert classify(D, NIGHT, punches).status == status


def test_next_morning_does_not_leak_back_when_windows_do_not_overlap():
    # evening window 11:00-24:00; the next morning's opens at 05:00
    punches = [IN(at(13, 55)), OUT(at(18)), IN(nxt(7, 55)), OUT(nxt(14))]
    check(classify(D, EVENING, punches), 'left_early', early=120,
          last_out=at(18), worked=4 * H + 5 * M)
    check(classify(NEXT, MORNING, punches), 'present', first_in=nxt(7, 55),
          last_out=nxt(14), worked=6 * H + 5 * M)


ON_TIME = [IN(at(7, 55)), OUT(at(14, 5))]


@pytest.mark.parametrize('shift, punches, facts, status', [
    pytest.param(MORNING, ON_TIME, {'on_leave': True}, 'on_leave', id='leave wins over punches'),
    pytest.param(MORNING, [], {'on_leave': True, 'official_duty': True}, 'on_leave', id='leave wins over official duty'),
    pytest.param(MORNING, [], {'official_duty': True}, 'official_duty', id='official duty is not absent'),
    pytest.param(None, [], {'holiday': True}, 'holiday', id='not rostered on a holiday'),
    pytest.param(None, [], {}, 'off_duty', id='not rostered'),
    pytest.param(None, ON_TIME, {}, 'off_duty', id='punches on a day off'),
    pytest.param(None, [], {'on_leave': True, 'holiday': True}, 'on_leave', id='leave on a day not rostered'),
    pytest.param(MORNING, [], {'holiday': True}, 'absent', id='rostered on a holiday, did not come'),
    pytest.param(MORNING, ON_TIME, {'holiday': True}, 'present', id='rostered on a holiday, came'),
])
def test_precedence(shift, punches, facts, status):
    assert classify(D, shift, punches, **facts).status == status


def test_punches_on_leave_are_kept_as_facts():
    check(classify(D, MORNING, [IN(at(9)), OUT(at(10))], on_leave=True),
          'on_leave', first_in=at(9), last_out=at(10), worked=H)
    assert classify(D, None, ON_TIME, on_leave=True) == Day(
        'on_leave', None, None, 0, 0, dt.timedelta(0))


@pytest.mark.parametrize('punches, status, first_in, last_out, late, early, worked', [
    pytest.param([OUT(at(14)), IN(at(8, 20))], 'late', at(8, 20), at(14), 20, 0, 5 * H + 40 * M, id='out of order'),
    pytest.param([IN(at(7, 58)), IN(at(8, 30)), OUT(at(14))], 'present', at(7, 58), at(14), 0, 0, 6 * H + 2 * M, id='duplicate in: the first counts'),
    pytest.param([OUT(at(6)), IN(at(8, 20)), OUT(at(14))], 'late', at(8, 20), at(14), 20, 0, 5 * H + 40 * M, id='out before the first in is ignored'),
    pytest.param([OUT(at(4)), IN(at(7, 58)), OUT(at(14)), IN(at(19))], 'present', at(7, 58), at(14), 0, 0, None, id='punches outside the window are ignored'),
    pytest.param([IN(at(7, 58)), OUT(at(10)), OUT(at(14))], 'present', at(7, 58), at(14), 0, 0, 2 * H + 2 * M, id='came back without checking in: the last out counts'),
    pytest.param([IN(at(7, 58)), OUT(at(11)), IN(at(11, 30))], 'present', at(7, 58), at(11), 0, 0, 3 * H + 2 * M, id='came back and forgot to check out'),
    pytest.param([IN(at(7, 58)), OUT(at(12)), IN(at(14, 30)), OUT(at(17))], 'left_early', at(7, 58), at(12), 0, 120, 4 * H + 2 * M, id='an in after the end belongs to something else'),
    pytest.param([IN(at(7, 58)), OUT(at(13)), OUT(at(13))], 'left_early', at(7, 58), at(13), 0, 60, 5 * H + 2 * M, id='duplicate out'),
])
def test_imperfect_kiosk_punches(punches, status, first_in, last_out, late,
                                 early, worked):
    check(classify(D, MORNING, iter(punches)), status, first_in=first_in,
          last_out=last_out, late=late, early=early, worked=worked)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        classify(D, MORNING, [(at(8), 'IN')])
    with pytest.raises(TypeError):
        classify(at(8), MORNING, [])


@pytest.mark.parametrize('counts, rate', [
    pytest.param({'present': 20, 'late': 2, 'absent': 3, 'on_leave': 4, 'holiday': 1}, 3 / 25, id='leave and holidays are not expected days'),
    pytest.param({'present': 10, 'left_early': 5, 'absent': 5, 'official_duty': 10}, 0.25, id='official duty is not expected'),
    pytest.param({'absent': 22, 'off_duty': 8}, 1.0, id='never came'),
    pytest.param({'present': 22, 'off_duty': 8, 'absent': 0}, 0.0, id='never absent'),
    pytest.param({'on_leave': 31}, None, id='all leave'),
    pytest.param({'off_duty': 20, 'holiday': 10}, None, id='nothing rostered'),
    pytest.param({}, None, id='no days'),
])
def test_absenteeism_rate(counts, rate):
    assert absenteeism_rate(counts) == rate


@pytest.mark.parametrize('counts', [{'abscent': 1}, {'absent': -1}])
def test_absenteeism_rate_refuses_bad_counts(counts):
    with pytest.raises(ValueError):
        absenteeism_rate(counts)


DAYS = [dt.date(2025, 3, 1), dt.date(2025, 3, 2), dt.date(2025, 3, 3)]
FULL = [(day, kind) for day in DAYS
        for kind in ('morning', 'evening', 'night')]


@pytest.mark.parametrize('assignments, gaps', [
    pytest.param(FULL, {}, id='fully covered'),
    pytest.param(FULL + FULL[:3], {}, id='several people on a shift'),
    pytest.param([a for a in FULL if a != (DAYS[1], 'night')], {DAYS[1]: ('night',)}, id='no night on day 2'),
    pytest.param([a for a in FULL if a[0] != DAYS[2]], {DAYS[2]: ('morning', 'evening', 'night')}, id='nobody on day 3'),
    pytest.param([a for a in FULL if a[1] != 'evening'] + [(DAYS[0], 'custom')], {day: ('evening',) for day in DAYS}, id='a custom shift covers nothing'),
    pytest.param(FULL + [(dt.date(2025, 4, 1), 'night')], {}, id='other dates are ignored'),
])
def test_coverage_gaps(assignments, gaps):
    assert coverage_gaps(DAYS, iter(assignments)) == gaps


def test_coverage_gaps_keeps_the_required_order():
    gaps = coverage_gaps(DAYS[:1], [(DAYS[0], 'morning')],
                         required=('night', 'evening', 'morning'))
    assert gaps == {DAYS[0]: ('night', 'evening')}


@pytest.mark.parametrize('year, month, count, last', [
    (2024, 2, 29, dt.date(2024, 2, 29)),
    (2025, 2, 28, dt.date(2025, 2, 28)),
    (2025, 12, 31, dt.date(2025, 12, 31)),
])
def test_month_days(year, month, count, last):
    days = month_days(year, month)
    assert len(days) == count
    assert days[0] == dt.date(year, month, 1) and days[-1] == last


@pytest.mark.parametrize('start, end, error', [
    (dt.time(8), dt.time(8), ValueError),
    (dt.time(8, tzinfo=dt.timezone.utc), dt.time(14), ValueError),
    ('08:00', dt.time(14), TypeError),
])
def test_shift_validation(start, end, error):
    with pytest.raises(error):
        Shift(start, end)


def test_rules_validation():
    with pytest.raises(ValueError):
        Rules(grace=-M)
