# SPDX-License-Identifier: GPL-3.0-or-later
"""The SLA clock from a complaint's history, with fixed dates."""
import datetime as dt
import random

import pytest

from bhmis_complaints.clock import Sla, compute

FILED = dt.datetime(2026, 3, 2, 9, 0)
SLA = Sla()


def day(n, hours=0):
    return FILED + dt.timedelta(days=n, hours=hours)


def test_new_complaint_promises():
    clock = compute(FILED, [], SLA, day(0, 1))
    assert clock.acknowledge_by == day(1)
    assert clock.resolve_by == day(20)
    assert clock.deadline == day(40)
    assert clock.acknowledged_in_time is None, "not late yet"
    assert clock.overdue is False
    assert clock.escalation_level == 0
    assert clock.days_open == pytest.approx(1 / 24)


def test_not_acknowledged_in_24_hours_is_overdue():
    clock = compute(FILED, [], SLA, day(1, 1))
    assert clock.acknowledged_in_time is False
    assert clock.overdue is True
    assert clock.escalation_level == 0
    late = compute(FILED, [(day(1, 2), 'acknowledged')], SLA, day(2))
    assert late.acknowledged_in_time is False
    assert late.overdue is False, "acknowledged since, within 20 days"


def test_resolved_in_target():
    history = [(day(0, 3), 'acknowledged'), (day(1), 'assigned'),
        (day(2), 'in_progress'), (day(12), 'resolved')]
    clock = compute(FILED, history, SLA, day(30))
    assert clock.acknowledged_at == day(0, 3)
    assert clock.acknowledged_in_time is True
    assert clock.resolved_at == day(12)
    assert clock.elapsed == dt.timedelta(days=12), "stopped at resolution"
    assert clock.resolved_in_target is True
    assert clock.resolved_in_max is True
    assert clock.overdue is False
    assert clock.escalation_level == 0
    assert clock.resolve_by == day(20)


@pytest.mark.parametrize('now, level, overdue', [
    (day(20), 0, False),
    (day(20, 1), 1, True),   # day 21: the district
    (day(40), 1, True),
    (day(40, 1), 2, True),   # day 41: the province
    ])
def test_escalation_on_day_21_and_41(now, level, overdue):
    clock = compute(FILED, [(day(0, 2), 'acknowledged')], SLA, now)
    assert clock.escalation_level == level
    assert clock.overdue is overdue


def test_waiting_pauses_and_pushes_deadlines():
    history = [(day(0, 2), 'acknowledged'), (day(5), 'waiting'),
        (day(9), 'in_progress')]
    clock = compute(FILED, history, SLA, day(22))
    assert clock.paused == dt.timedelta(days=4)
    assert clock.elapsed == dt.timedelta(days=18)
    assert clock.resolve_by == day(24)
    assert clock.deadline == day(44)
    assert clock.escalation_level == 0, "day 22 on the calendar, 18 counted"
    assert clock.overdue is False


def test_still_waiting_moves_deadline_with_time():
    history = [(day(0, 2), 'acknowledged'), (day(3), 'waiting')]
    first = compute(FILED, history, SLA, day(10))
    later = compute(FILED, history, SLA, day(30))
    assert first.elapsed == later.elapsed == dt.timedelta(days=3)
    assert later.resolve_by - first.resolve_by == dt.timedelta(days=20)
    assert later.escalation_level == 0


def test_reopen_continues_from_where_it_stopped():
    history = [(day(0, 2), 'acknowledged'), (day(15), 'resolved'),
        (day(25), 'reopened'), (day(28), 'in_progress')]
    clock = compute(FILED, history, SLA, day(31))
    assert clock.elapsed == dt.timedelta(days=21), (
        "15 days then 6 since the reopen; 10 resolved days do not count")
    assert clock.resolve_by == day(30)
    assert clock.resolved_at is None
    assert clock.resolved_in_target is None
    assert clock.escalation_level == 1
    assert clock.overdue is True


def test_resolved_then_closed_keeps_deadlines_and_resolution():
    history = [(day(0, 2), 'acknowledged'), (day(25), 'resolved'),
        (day(32), 'closed')]
    clock = compute(FILED, history, SLA, day(60))
    assert clock.resolved_at == day(25)
    assert clock.resolved_in_target is False
    assert clock.resolved_in_max is True
    assert clock.resolve_by == day(20), "closing pushes nothing"
    assert clock.escalation_level == 1, "it was escalated to the district"
    assert clock.overdue is False


def test_resolved_again_after_reopen():
    history = [(day(0, 2), 'acknowledged'), (day(10), 'resolved'),
        (day(12), 'reopened'), (day(20), 'resolved')]
    clock = compute(FILED, history, SLA, day(50))
    assert clock.resolved_at == day(20)
    assert clock.elapsed == dt.timedelta(days=18)
    assert clock.resolved_in_target is True


def test_rejected_stops_without_resolution():
    clock = compute(FILED, [(day(1), 'rejected')], SLA, day(45))
    assert clock.acknowledged_at == day(1)
    assert clock.resolved_at is None
    assert clock.elapsed == dt.timedelta(days=1)
    assert clock.overdue is False
    assert clock.escalation_level == 0


def test_back_dated_history_is_sorted():
    history = [(day(0, 2), 'acknowledged'), (day(5), 'waiting'),
        (day(9), 'in_progress'), (day(14), 'resolved')]
    shuffled = history[:]
    random.Random(4).shuffle(shuffled)
    assert shuffled != history
    assert compute(FILED, shuffled, SLA, day(30)) == compute(
        FILED, history, SLA, day(30))


def test_transition_before_filing_or_in_future():
    early = compute(FILED, [(day(-2), 'acknowledged')], SLA, day(3))
    assert early.acknowledged_at == FILED
    assert early.elapsed == dt.timedelta(days=3)
    future = compute(FILED, [(day(10), 'resolved')], SLA, day(3))
    assert future.resolved_at is None, "not happened yet"
    assert future.elapsed == dt.timedelta(days=3)


def test_category_sla():
    quick = Sla(acknowledge_hours=4, target_days=3, max_days=7)
    clock = compute(FILED, [], quick, day(4))
    assert clock.acknowledge_by == day(0, 4)
    assert clock.escalation_level == 1
    assert compute(FILED, [], quick, day(8)).escalation_level == 2


def test_unknown_state_refused():
    with pytest.raises(ValueError, match="frozen"):
        compute(FILED, [(day(1), 'frozen')], SLA, day(2))
