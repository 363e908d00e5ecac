# SPDX-License-Identifier: GPL-3.0-or-later
"""The `bhmis` command: create, fill and serve a BHMIS database."""
