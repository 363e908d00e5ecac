# SPDX-License-Identifier: GPL-3.0-or-later
"""BHMIS HRMIS: employees, sanctioned posts, postings, transfers."""
