# SPDX-License-Identifier: GPL-3.0-or-later
"""Stock moves carry why stock left or entered a store outside the ordinary
flows: the reason of an adjustment, a count difference or a loss in
transit. Indicators read it (wastage is what was lost as expired or
damaged); the flows set it."""
from trytond.model import fields
from trytond.pool import PoolMeta

# Moves to or from a lost-and-found location always carry one of these
REASONS = [
    (None, ""),
    ('expired', "Expired"),
    ('damaged', "Damaged"),
    ('lost_stolen', "Lost or Stolen"),
    ('count_difference', "Count Difference"),
    ('transit_loss', "Short on Delivery"),
    ]
# The reasons whose value is wastage
WASTAGE = {'expired', 'damaged'}


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'
    bhmis_reason = fields.Selection(REASONS, "Reason", readonly=True,
        help="Why the stock was adjusted, lost or found.")
