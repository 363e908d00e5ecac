# SPDX-License-Identifier: GPL-3.0-or-later
"""Daily attendance rules, without the ORM.

classify() turns one employee's rostered shift, kiosk punches and HR facts
for one day into a status and figures. The rules, in order:

1. Approved leave gives 'on_leave', then official duty 'official_duty',
   whatever the punches say: neither is an absence.
2. No shift rostered: 'holiday' on a public holiday, else 'off_duty'. A
   person rostered on a holiday (24/7 hospitals) is judged like any day.
3. The punches that count are those in the punch window, both ends
   included: [shift start - before_start, shift end + after_end]. A night
   shift belongs to the day it starts, so its morning check-out is inside.
4. The punches are read in time order (an 'out' before an 'in' at the same
   instant, so a changeover out-then-in stays two shifts):
   - the first 'in' is the arrival; later 'in's while already in are
     duplicates and change nothing;
   - an 'out' before the arrival is ignored (it closes an earlier shift);
   - an 'in' at or after the shift end is not an arrival: it and every
     later punch belong to the next shift or to overtime, and are ignored
     (with next_start, see below, the same holds for an arrival from the
     next shift's window start);
   - worked is the sum of in -> out pairs; an 'in' never followed by an
     'out' counts 0;
   - last_out is the last 'out' after the arrival.
5. No arrival: 'absent'. Arrival after start + grace: 'late'. The last
   'out' before end - early_grace: 'left_early', unless an 'in' follows it
   (the person came back and forgot to check out). Late wins over left
   early, both minutes are kept. Otherwise 'present'; a forgotten check-out
   is 'present' (or 'late') with early_minutes 0.
   Minutes are counted from the shift start/end, not from the grace, and a
   started minute counts: a grace of 15 minutes means 08:15:00 is on time
   and 08:15:01 is 16 minutes late. Within the grace they are 0.

On leave and official duty the punch figures (first_in, last_out, worked)
are still given when a shift is rostered, with zero minutes: a check-in
during approved leave is a fact a reviewer wants to see.

Consecutive windows overlap: after a night shift 20:00-08:00 on day D, a
morning shift 08:00-14:00 on D+1 has the window 05:00-18:00, the night's
ends at 12:00. Each day is classified from all the punches of its own
window, and rule 4 keeps them apart: the night's 08:05 check-out comes
before any D+1 'in', so the morning ignores it; the morning's check-in at
08:01 comes after the night's end, so the night ignores it. One case needs
the next shift: a person who missed the night but checks in at 07:50 for
the morning would be 'late' for the night. Passing next_start (the start
of the person's next rostered shift) means no arrival from next_start -
before_start on belongs to this shift, and the night is 'absent'; once
arrived, an 'in' before the end is still a return from a break.
"""
import calendar
import datetime as dt
import math
from dataclasses import dataclass

STATUSES = (
    'present', 'late', 'left_early', 'absent', 'on_leave', 'off_duty',
    'holiday', 'official_duty')
# The days a person was expected at work: the denominator of absenteeism.
EXPECTED_STATUSES = ('present', 'late', 'left_early', 'absent')
PUNCH_KINDS = ('in', 'out')
SHIFT_KINDS = ('morning', 'evening', 'night')

ZERO = dt.timedelta(0)
ONE_DAY = dt.timedelta(days=1)


def _check_day(day):
    # a datetime is a date too, and combine() would silently drop its time
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise TypeError(f"expected a date, got {day!r}")


@dataclass(frozen=True)
class Shift:
    """A rostered shift; end <= start means it crosses midnight."""
    start: dt.time
    end: dt.time

    def __post_init__(self):
        for value in (self.start, self.end):
            if not isinstance(value, dt.time):
                raise TypeError(f"shift times must be times, got {value!r}")
            # punches are naive local times; Pakistan keeps no daylight
            # saving, so naive differences are true durations
            if value.tzinfo is not None:
                raise ValueError("shift times must be naive local times")
        if self.start == self.end:
            raise ValueError(
                "a shift cannot start and end at the same time "
                f"({self.start:%H:%M})")

    @property
    def crosses_midnight(self):
        return self.end < self.start

    def window(self, day):
        """The shift's start and end on day; a night shift ends on day+1."""
        _check_day(day)
        start = dt.datetime.combine(day, self.start)
        end_day = day + ONE_DAY if self.crosses_midnight else day
        return start, dt.datetime.combine(end_day, self.end)

    @property
    def duration(self):
        start, end = self.window(dt.date(2000, 1, 1))
        return end - start


@dataclass(frozen=True)
class Rules:
    grace: dt.timedelta = dt.timedelta(minutes=15)
    early_grace: dt.timedelta = dt.timedelta(minutes=15)
    before_start: dt.timedelta = dt.timedelta(hours=3)
    after_end: dt.timedelta = dt.timedelta(hours=4)

    def __post_init__(self):
        for name in ('grace', 'early_grace', 'before_start', 'after_end'):
            if getattr(self, name) < ZERO:
                raise ValueError(f"{name} cannot be negative")


@dataclass(frozen=True)
class Day:
    status: str
    first_in: dt.datetime | None
    last_out: dt.datetime | None
    late_minutes: int
    early_minutes: int
    worked: dt.timedelta


def punch_window(day, shift, rules=Rules()):
    """The punches of day's shift: fetch start <= time <= end."""
    start, end = shift.window(day)
    return start - rules.before_start, end + rules.after_end


def _minutes(delta):
    return math.ceil(delta.total_seconds() / 60)


def _read(punches, low, high, arrive_by, end):
    """first_in, last_out, worked, and whether the person is still in."""
    kept = []
    for time, kind in punches:
        if kind not in PUNCH_KINDS:
            raise ValueError(f"unknown punch kind {kind!r}")
        if low <= time <= high:
            kept.append((time, kind))
    kept.sort(key=lambda punch: (punch[0], punch[1] == 'in'))
    first_in = last_out = opened = None
    worked = ZERO
    for time, kind in kept:
        if kind == 'in':
            if time >= (arrive_by if first_in is None else end):
                break
            if first_in is None:
                first_in = time
            if opened is None:
                opened = time
        elif first_in is not None:
            last_out = time
            if opened is not None:
                worked += time - opened
                opened = None
    return first_in, last_out, worked, opened is not None


def classify(day, shift, punches, *, on_leave=False, official_duty=False,
             holiday=False, next_start=None, rules=Rules()):
    """The Day of one employee; see the module docstring for the rules.

    punches: (naive local datetime, 'in' | 'out') in any order; those
    outside punch_window() are ignored. next_start: the start of the
    person's next rostered shift, if known (see the module docstring).
    """
    _check_day(day)
    if shift is None:
        if on_leave:
            status = 'on_leave'
        elif official_duty:
            status = 'official_duty'
        else:
            status = 'holiday' if holiday else 'off_duty'
        return Day(status, None, None, 0, 0, ZERO)

    start, end = shift.window(day)
    arrive_by = end
    if next_start is not None:
        if next_start < end:
            raise ValueError(
                f"the next shift starts at {next_start}, before this one "
                f"ends at {end}")
        arrive_by = min(end, next_start - rules.before_start)
    low, high = punch_window(day, shift, rules)
    first_in, last_out, worked, still_in = _read(
        punches, low, high, arrive_by, end)

    if on_leave or official_duty:
        status = 'on_leave' if on_leave else 'official_duty'
        return Day(status, first_in, last_out, 0, 0, worked)
    if first_in is None:
        return Day('absent', None, None, 0, 0, ZERO)

    late = early = 0
    if first_in > start + rules.grace:
        late = _minutes(first_in - start)
    if (last_out is not None and not still_in
            and last_out < end - rules.early_grace):
        early = _minutes(end - last_out)
    if late:
        status = 'late'
    elif early:
        status = 'left_early'
    else:
        status = 'present'
    return Day(status, first_in, last_out, late, early, worked)


def absenteeism_rate(counts):
    """The share of expected working days a person was absent.

    rate = absent / (present + late + left_early + absent)

    counts maps a status to its number of days in the month. Days on leave,
    on official duty, off duty and holidays were not expected at work, so
    they are in neither term. Late and left early days were worked, so they
    count as expected but not absent. None when no day was expected (a
    whole month of leave is no rate, not 0%).
    """
    for status, number in counts.items():
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        if number < 0:
            raise ValueError(f"negative count for {status!r}")
    expected = sum(counts.get(status, 0) for status in EXPECTED_STATUSES)
    if not expected:
        return None
    return counts.get('absent', 0) / expected


def coverage_gaps(days, assignments, required=SHIFT_KINDS):
    """The days whose rostered shift kinds miss one of required.

    days: the dates to check; assignments: (date, shift kind) for every
    rostered person-day, those on other dates are ignored. Returns
    {date: missing kinds in the order of required}; empty when covered.
    Other kinds (custom shifts) cover nothing: a custom shift's hours need
    not match any required one.
    """
    required = tuple(dict.fromkeys(required))
    rostered = {}
    for day, kind in assignments:
        rostered.setdefault(day, set()).add(kind)
    gaps = {}
    for day in days:
        kinds = rostered.get(day, set())
        missing = tuple(kind for kind in required if kind not in kinds)
        if missing:
            gaps[day] = missing
    return gaps


def month_days(year, month):
    """Every date of the month, in order."""
    last = calendar.monthrange(year, month)[1]
    return [dt.date(year, month, number) for number in range(1, last + 1)]
