# SPDX-License-Identifier: GPL-3.0-or-later
"""The SLA clock of a complaint, computed from its history alone, without
the ORM: it survives restarts and back-dated corrections because nothing
is stored but the transitions.

The clock runs from filing while the complaint is open (new, acknowledged,
assigned, in progress, reopened).  It is paused while waiting on the
citizen: that time is `paused` and pushes both deadlines.  It stops at
resolved, closed or rejected.  A reopen restarts it from where it
stopped: the time the complaint spent resolved or closed does not count
(the officers could not know it was not solved) and, like a pause, pushes
the deadlines.

- `elapsed` is the running time only; `days_open` is the same in days,
  the figure of the SLA (day 21 is elapsed > 20 days).
- `resolve_by` and `deadline` are when elapsed reaches the target and the
  maximum: filed_at + target + the time not counted so far.  While paused
  they move with the clock; once resolved they stay where they were.
- `acknowledge_by` is filed_at + acknowledge_hours; any first move out of
  'new' acknowledges (asking the citizen for more is an answer too).
- `escalation_level` is the highest level elapsed has reached: 1 (the
  district) past the target, 2 (the province) past the maximum; it stays
  once the complaint is resolved, as a record of what happened.
- `overdue` is for open complaints only: past the target, or still not
  acknowledged after acknowledge_by.
- Transitions are sorted by time (equal times keep their order); those
  before filing count from filing, those after `now` have not happened.
"""
import datetime as dt
from dataclasses import dataclass

RUNNING = {'new', 'acknowledged', 'assigned', 'in_progress', 'reopened'}
PAUSED = {'waiting'}
STOPPED = {'resolved', 'closed', 'rejected'}
STATES = RUNNING | PAUSED | STOPPED
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Sla:
    "The promises of a category: acknowledge, resolve, at most"
    acknowledge_hours: int = 24
    target_days: int = 20
    max_days: int = 40

    @property
    def acknowledge(self):
        return dt.timedelta(hours=self.acknowledge_hours)

    @property
    def target(self):
        return dt.timedelta(days=self.target_days)

    @property
    def maximum(self):
        return dt.timedelta(days=self.max_days)


@dataclass(frozen=True)
class Clock:
    acknowledge_by: dt.datetime
    resolve_by: dt.datetime
    deadline: dt.datetime
    acknowledged_at: dt.datetime | None
    resolved_at: dt.datetime | None
    paused: dt.timedelta
    elapsed: dt.timedelta
    acknowledged_in_time: bool | None
    resolved_in_target: bool | None
    resolved_in_max: bool | None
    overdue: bool
    escalation_level: int
    days_open: float
    state: str


def _history(filed_at, transitions, now):
    "The transitions that happened, in time order, none before filing"
    steps = []
    for at, state in transitions:
        if state not in STATES:
            raise ValueError("unknown state %r" % state)
        if at <= now:
            steps.append((max(at, filed_at), state))
    steps.sort(key=lambda step: step[0])
    return steps


def compute(filed_at, transitions, sla, now):
    "Return the Clock of a complaint filed at filed_at, as it is at now"
    now = max(now, filed_at)
    state, since = 'new', filed_at
    elapsed = paused = stopped = unanswered = dt.timedelta(0)
    acknowledged_at = resolved_at = None
    for at, new_state in _history(filed_at, transitions, now):
        span = at - since
        if state in RUNNING:
            elapsed += span
        elif state in PAUSED:
            paused += span
        else:
            unanswered += span
        if new_state in RUNNING | PAUSED:
            # Reopened: the time it stood resolved is not counted
            stopped += unanswered
            unanswered = dt.timedelta(0)
        if acknowledged_at is None and new_state != 'new':
            acknowledged_at = at
        if new_state in {'resolved', 'closed'}:
            if state not in {'resolved', 'closed'}:
                resolved_at = at
        else:
            resolved_at = None
        state, since = new_state, at
    if state in RUNNING:
        elapsed += now - since
    elif state in PAUSED:
        paused += now - since
    pushed = paused + stopped
    acknowledge_by = filed_at + sla.acknowledge
    if acknowledged_at is not None:
        acknowledged_in_time = acknowledged_at <= acknowledge_by
    elif now > acknowledge_by:
        acknowledged_in_time = False
    else:
        acknowledged_in_time = None
    resolved = resolved_at is not None
    is_open = state not in STOPPED
    level = (2 if elapsed > sla.maximum
        else 1 if elapsed > sla.target else 0)
    return Clock(
        acknowledge_by=acknowledge_by,
        resolve_by=filed_at + sla.target + pushed,
        deadline=filed_at + sla.maximum + pushed,
        acknowledged_at=acknowledged_at,
        resolved_at=resolved_at,
        paused=paused,
        elapsed=elapsed,
        acknowledged_in_time=acknowledged_in_time,
        resolved_in_target=(elapsed <= sla.target) if resolved else None,
        resolved_in_max=(elapsed <= sla.maximum) if resolved else None,
        overdue=is_open and (elapsed > sla.target
            or (acknowledged_at is None and now > acknowledge_by)),
        escalation_level=level,
        days_open=elapsed / DAY,
        state=state)
