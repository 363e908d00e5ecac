# SPDX-License-Identifier: GPL-3.0-or-later
"""Stock moves carry why stock left or entered a store outside the ordinary
flows: the reason of an adjustment, a count difference or a loss in
transit. Indicators read it (wastage is what was lost as expired or
damaged); the flows set it.

Moves are scoped like the stores: a user sees the moves in and out of the
stores of their facilities (or districts), and both halves of the
dispatches from or to those stores, the half in transit included, which
Tryton's shipment code reads and writes on behalf of either store."""
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval, If

from bhmis_base.guard import GuardedMixin
from bhmis_base.scope import install_scope_rule

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


def _scope_domain():
    # facilities: the user's and their districts' (bhmis_base.ir.Rule)
    clause = ['OR']
    for end in ['from_location', 'to_location']:
        path = end + '.facility'
        clause.append((path, 'in', Eval('facilities', [])))
        clause.append(('shipment.' + path, 'in', Eval('facilities', []),
                'stock.shipment.internal'))
    return [If(Eval('bhmis_unrestricted', False), [], clause)]


SCOPE_DOMAIN = _scope_domain()


class Move(GuardedMixin, metaclass=PoolMeta):
    __name__ = 'stock.move'
    bhmis_reason = fields.Selection(REASONS, "Reason", readonly=True,
        help="Why the stock was adjusted, lost or found.")

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        install_scope_rule(cls.__name__, SCOPE_DOMAIN)
