# SPDX-License-Identifier: GPL-3.0-or-later
"""BHMIS complaints: the 1129 complaint cell (complaints from every channel,
routing, SLA clocks and escalation, follow-up, evidence)."""
# Registers the public complaints API on Tryton's application
from . import routes  # noqa: F401
