# SPDX-License-Identifier: GPL-3.0-or-later
"""Scoping of records to the districts and facilities a user answers for.

A model opts in with the mixin and one line naming the path to its
facility (or district)::

    class Posting(ScopedMixin, ModelSQL, ModelView):
        __name__ = 'bhmis.posting'
        _scope_facility = 'facility'

On module update the mixin installs (or refreshes) a global record rule on
the model: users see and change only records of their districts or
facilities, unless a province-wide role (administrator, provincial manager,
DHIS2 administrator) makes them unrestricted.  The rule is an ordinary
``ir.rule`` record that administrators can inspect in the back office.
"""
from sql import Literal, Table
from sql.functions import CurrentTimestamp
from trytond.pool import Pool
from trytond.pyson import Eval, If, PYSONEncoder
from trytond.transaction import Transaction

SCOPE_RULE_NAME = "BHMIS: the user's districts and facilities"


def scope_domain(facility_paths=(), district_paths=()):
    """Return the PYSON rule domain of records whose facility (or district)
    is at any of the paths"""
    clause = ['OR']
    for path in district_paths:
        clause.append((path, 'in', Eval('districts', [])))
    for path in facility_paths:
        clause.append((path, 'in', Eval('facilities', [])))
    return [If(Eval('bhmis_unrestricted', False), [], clause)]


def install_scope_rule(model_name, domain):
    """Create or refresh the global scope rule of model_name.

    Runs while modules are registered, before the ORM of every model is
    ready, so it writes the two rows with parameterised SQL.
    """
    cursor = Transaction().connection.cursor()
    rule_group = Table('ir_rule_group')
    rule = Table('ir_rule')
    encoded = PYSONEncoder(sort_keys=True).encode(domain)

    cursor.execute(*rule_group.select(rule_group.id,
            where=(rule_group.model == model_name)
            & (rule_group.name == SCOPE_RULE_NAME)))
    row = cursor.fetchone()
    if row:
        group_id, = row
    else:
        cursor.execute(*rule_group.insert(
                [rule_group.name, rule_group.model, rule_group.global_p,
                    rule_group.default_p, rule_group.perm_read,
                    rule_group.perm_write, rule_group.perm_create,
                    rule_group.perm_delete, rule_group.create_uid,
                    rule_group.create_date],
                [[SCOPE_RULE_NAME, model_name, Literal(True), Literal(False),
                        Literal(True), Literal(True), Literal(True),
                        Literal(True), 0, CurrentTimestamp()]]))
        cursor.execute(*rule_group.select(rule_group.id,
                where=(rule_group.model == model_name)
                & (rule_group.name == SCOPE_RULE_NAME)))
        group_id, = cursor.fetchone()

    cursor.execute(*rule.select(rule.id, rule.domain,
            where=rule.rule_group == group_id))
    rules = cursor.fetchall()
    if not rules:
        cursor.execute(*rule.insert(
                [rule.rule_group, rule.domain, rule.create_uid,
                    rule.create_date],
                [[group_id, encoded, 0, CurrentTimestamp()]]))
    elif any(d != encoded for _, d in rules):
        cursor.execute(*rule.update(
                [rule.domain], [encoded],
                where=rule.rule_group == group_id))
    Pool().get('ir.rule')._domain_get_cache.clear()


class ScopedMixin:
    "Restrict records to the user's districts and facilities"
    __slots__ = ()
    # Dotted path from the record to its bhmis.facility ('id' for a
    # facility), or a tuple of paths: the record is in scope through any
    _scope_facility = None
    # Dotted path(s) to its bhmis.district; derived from the facility paths
    # when unset
    _scope_district = None

    @classmethod
    def scope_paths(cls):
        "Return the tuples of facility paths and of district paths"
        def paths(value):
            if not value:
                return ()
            return (value,) if isinstance(value, str) else tuple(value)
        facilities = paths(cls._scope_facility)
        districts = paths(cls._scope_district)
        if not districts:
            districts = tuple('district' if path == 'id'
                else path + '.district' for path in facilities)
        return facilities, districts

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        install_scope_rule(cls.__name__, scope_domain(*cls.scope_paths()))
