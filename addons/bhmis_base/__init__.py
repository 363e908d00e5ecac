# SPDX-License-Identifier: GPL-3.0-or-later
"""BHMIS base: province geography, facility registry, roles and scoping."""
