# SPDX-License-Identifier: GPL-3.0-or-later
"""Scoping of complaints: the 1129 cell sees every complaint, a DHO their
districts', a complaint focal person their facility's.

The project's ScopedMixin installs the rule of the user's districts and
facilities; the complaint models widen it to the cell (the rule context's
`bhmis_complaint_cell`, set in ir.py) and let the cell press every button.
"""
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from bhmis_base.scope import ScopedMixin, install_scope_rule, scope_domain

CELL_GROUP = ('bhmis_base', 'group_complaint_officer')


def is_cell_user(user_id=None):
    "Whether the user is of the 1129 cell"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user_id = Transaction().user if user_id is None else user_id
    if not user_id:
        return True
    with Transaction().set_user(user_id):
        groups = User.get_groups()
    return ModelData.get_id(*CELL_GROUP) in groups


def complaint_domain(facility_paths, district_paths):
    "The rule domain: the cell sees all, the others their scope"
    domain, = scope_domain(facility_paths, district_paths)
    return [If(Eval('bhmis_complaint_cell', False), [], domain)]


class ComplaintScopedMixin(ScopedMixin):
    "Scoped like the complaint it belongs to"
    __slots__ = ()

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        install_scope_rule(cls.__name__,
            complaint_domain(*cls.scope_paths()))

    @classmethod
    def check_button_scope(cls, button, records):
        if is_cell_user():
            return
        super().check_button_scope(button, records)


class ComplaintLineMixin(ComplaintScopedMixin):
    "A record of a complaint (history, escalation, call): scoped by it"
    __slots__ = ()
    _scope_facility = 'complaint.facility'
    _scope_district = 'complaint.district'
