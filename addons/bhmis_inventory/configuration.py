# SPDX-License-Identifier: GPL-3.0-or-later
"""The settings of the stock flows: how long a receiving store has to
confirm a dispatch, and the value above which an adjustment waits for the
district store keeper's approval."""
from decimal import Decimal

from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

from bhmis_base.guard import GuardedMixin

DEFAULT_CONFIRM_DAYS = 7
DEFAULT_APPROVAL_VALUE = Decimal(10000)


class Configuration(GuardedMixin, ModelSingleton, ModelSQL, ModelView):
    __name__ = 'bhmis.inventory.configuration'
    __string__ = "Inventory Configuration"
    dispatch_confirm_days = fields.Integer("Days to Confirm a Dispatch",
        required=True, domain=[('dispatch_confirm_days', '>', 0)],
        help="A dispatch not confirmed by the receiving store within this "
        "many days after it was shipped is flagged as overdue.")
    adjustment_approval_value = fields.Numeric("Adjustment Approval Value",
        digits=(16, 2), required=True,
        domain=[('adjustment_approval_value', '>=', 0)],
        help="An adjustment whose value (quantity × cost price, losses and "
        "gains together) is above this waits for the approval of a "
        "district store keeper.")

    @classmethod
    def default_dispatch_confirm_days(cls):
        return DEFAULT_CONFIRM_DAYS

    @classmethod
    def default_adjustment_approval_value(cls):
        return DEFAULT_APPROVAL_VALUE
