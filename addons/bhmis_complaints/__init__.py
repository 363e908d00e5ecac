# SPDX-License-Identifier: GPL-3.0-or-later
"""BHMIS complaints: the 1129 complaint cell (complaints from every channel,
routing, SLA clocks and escalation, follow-up, evidence)."""
