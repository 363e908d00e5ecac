# SPDX-License-Identifier: GPL-3.0-or-later
"""BHMIS inventory: medicines, stores and stock of the health facilities."""
