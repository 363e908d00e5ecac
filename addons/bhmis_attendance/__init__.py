# SPDX-License-Identifier: GPL-3.0-or-later
"""BHMIS attendance: face check-in at facility kiosks, review queue, rosters,
daily attendance and absenteeism."""
# Registers the check-in API and the kiosk page on Tryton's application
from . import routes  # noqa: F401
