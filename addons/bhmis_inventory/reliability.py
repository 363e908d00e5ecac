# SPDX-License-Identifier: GPL-3.0-or-later
"""Equipment reliability from its repairs, without the ORM.

An item is in service from its start (acquisition) to the end of the
period; each corrective repair is a failure and keeps it down from the
breakdown being reported until it is repaired (or the end, while open).

- operating hours = hours in service - hours down
- MTBF = operating hours / failures (formulas.mtbf)
- MTTR = mean hours from report to repair of the finished repairs
  (formulas.mttr)

A category sums the operating hours and failures of its items and averages
all their repairs.
"""
import datetime as dt

from . import formulas


def _hours(delta):
    return delta.total_seconds() / 3600


def repair_hours(reported, finished):
    "Hours an item was down from the report to the repair"
    if finished < reported:
        raise ValueError("a repair finishes after it is reported")
    return _hours(finished - reported)


def _clip(moment, start, end):
    return min(max(moment, start), end)


def operating_hours(start, end, repairs):
    """Hours in service between start and end less the hours down for the
    repairs [(reported, finished or None)] (overlaps counted once)"""
    if end <= start:
        return 0.0
    intervals = sorted(
        (_clip(r, start, end), _clip(f or end, start, end))
        for r, f in repairs)
    down, current_start, current_end = dt.timedelta(), None, None
    for begin, finish in intervals:
        if current_end is None or begin > current_end:
            if current_end is not None:
                down += current_end - current_start
            current_start, current_end = begin, finish
        else:
            current_end = max(current_end, finish)
    if current_end is not None:
        down += current_end - current_start
    return _hours(end - start - down)


def item_figures(start, end, repairs):
    """Return (operating hours, failures, [repair hours]) of one item, from
    its repairs [(reported, finished or None)] reported before end"""
    repairs = [(r, f) for r, f in repairs if r < end]
    hours = [repair_hours(r, f) for r, f in repairs if f and f <= end]
    return operating_hours(start, end, repairs), len(repairs), hours


def reliability(figures):
    """Return (MTBF, MTTR) in hours of the items' figures [(operating
    hours, failures, [repair hours])]; None where there is nothing to
    measure"""
    operating = sum(f[0] for f in figures)
    failures = sum(f[1] for f in figures)
    repairs = [h for f in figures for h in f[2]]
    return formulas.mtbf(operating, failures), formulas.mttr(repairs)
