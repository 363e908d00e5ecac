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

A record seen from several places (a transfer from both its facilities) is
changed only by who holds all of them: ``_scope_write`` names the paths
that must all be in the user's scope (an empty end does not count) to
create, write or delete it, installed as a second rule.  Buttons run
without access checks in Tryton; here each button first checks that its
records are in the user's scope on the side that acts
(``_button_scope``: the receiving store confirms a dispatch) and that the
user is not the one who asked or sent (``_button_segregation``).
"""
from sql import Literal, Table
from sql.functions import CurrentTimestamp
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.pyson import Eval, If, PYSONEncoder
from trytond.transaction import Transaction, without_check_access

from .exceptions import ScopeError, SegregationError
from .guard import GuardedMixin, wrap_outermost

SCOPE_RULE_NAME = "BHMIS: the user's districts and facilities"
SCOPE_WRITE_RULE_NAME = (
    "BHMIS: changed only by who holds every end (create, write, delete)")
PROVINCE_RULE_NAME = (
    "BHMIS: a province catalogue, changed by province-wide users only "
    "(create, write, delete)")


def ends_domain(paths, facilities):
    """Return the domain of records whose every facility path is empty or
    in the facilities (values or PYSON)"""
    clause = ['AND']
    for path in paths:
        clause.append(['OR',
                (path, '=', None),
                (path, 'in', facilities),
                ])
    return clause


def scope_domain(facility_paths=(), district_paths=()):
    """Return the PYSON rule domain of records whose facility (or district)
    is at any of the paths.

    The rules' `facilities` are the user's facilities and every facility of
    their districts (ir.Rule._get_context): a record is matched on its
    facility alone, without joining the facility to its district (the
    joins made the history queries of scoped users too deep for SQLite's
    parser)."""
    clause = ['OR']
    for path in district_paths:
        clause.append((path, 'in', Eval('districts', [])))
    for path in facility_paths:
        clause.append((path, 'in', Eval('facilities', [])))
    return [If(Eval('bhmis_unrestricted', False), [], clause)]


def write_scope_domain(paths):
    "Return the PYSON rule domain of records the user may change"
    return [If(Eval('bhmis_unrestricted', False), [],
            ends_domain(paths, Eval('facilities', [])))]


def remove_scope_rule(model_name, name):
    "Delete the rule group name of model_name, if any"
    cursor = Transaction().connection.cursor()
    rule_group = Table('ir_rule_group')
    rule = Table('ir_rule')
    cursor.execute(*rule_group.select(rule_group.id,
            where=(rule_group.model == model_name)
            & (rule_group.name == name)))
    ids = [i for i, in cursor]
    if ids:
        cursor.execute(*rule.delete(where=rule.rule_group.in_(ids)))
        cursor.execute(*rule_group.delete(where=rule_group.id.in_(ids)))
        Pool().get('ir.rule')._domain_get_cache.clear()


def install_scope_rule(model_name, domain, name=SCOPE_RULE_NAME, read=True):
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
            & (rule_group.name == name)))
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
                [[name, model_name, Literal(True), Literal(False),
                        Literal(read), Literal(True), Literal(True),
                        Literal(True), 0, CurrentTimestamp()]]))
        cursor.execute(*rule_group.select(rule_group.id,
                where=(rule_group.model == model_name)
                & (rule_group.name == name)))
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


def rule_leaves(domain, found=None):
    """The [path, operator, value, (model)] leaves of a rule domain as
    install_scope_rule stores it (decoded from JSON), for those who read
    the rules back: the access table (tools/access_table.py) and the
    authorization tests"""
    found = [] if found is None else found
    if isinstance(domain, dict):
        if domain.get('__class__') == 'If':
            # If(bhmis_unrestricted, [], clause): the clause
            rule_leaves(domain['e'], found)
    elif isinstance(domain, list):
        if (len(domain) >= 3 and isinstance(domain[0], str)
                and domain[0] not in {'AND', 'OR'}
                and not isinstance(domain[1], list)):
            found.append(domain)
        else:
            for item in domain:
                rule_leaves(item, found)
    return found


class ProvinceCatalogueMixin:
    """A catalogue of the whole province (cadres, leave types, shifts):
    everyone with access reads it, only province-wide users change it, so
    that a district's officer does not change what every district uses"""
    __slots__ = ()

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        install_scope_rule(cls.__name__, province_write_domain(),
            name=PROVINCE_RULE_NAME, read=False)


def province_write_domain(local=None):
    """Return the PYSON rule domain of the records a user may change in a
    province catalogue: all for province-wide users; for the others, the
    records whose district path local is one of theirs, or none"""
    clause = ([(local, 'in', Eval('districts', []))] if local
        else [('id', '=', None)])
    return [If(Eval('bhmis_unrestricted', False), [], clause)]


class ScopedMixin(GuardedMixin):
    "Restrict records to the user's districts and facilities"
    __slots__ = ()
    # Dotted path from the record to its bhmis.facility ('id' for a
    # facility), or a tuple of paths: the record is in scope through any
    _scope_facility = None
    # Dotted path(s) to its bhmis.district; derived from the facility paths
    # when unset
    _scope_district = None
    # Facility paths that must all be in scope (or empty) to create, write
    # or delete the record, when it is seen from several places
    _scope_write = None
    # {button: facility paths}: the side whose users press the button, when
    # not every end of _scope_write
    _button_scope = {}
    # {button: fields}: the users (res.user) or employees named there may
    # not press the button on the record
    _button_segregation = {}

    @classmethod
    def scope_paths(cls):
        "Return the tuples of facility paths and of district paths"
        def paths(value):
            if not value:
                return ()
            return (value,) if isinstance(value, str) else tuple(value)
        return paths(cls._scope_facility), paths(cls._scope_district)

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        install_scope_rule(cls.__name__, scope_domain(*cls.scope_paths()))
        if cls._scope_write:
            install_scope_rule(cls.__name__,
                write_scope_domain(cls._scope_write),
                name=SCOPE_WRITE_RULE_NAME, read=False)
        else:
            remove_scope_rule(cls.__name__, SCOPE_WRITE_RULE_NAME)

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        for name in cls._buttons:
            if getattr(cls, name, None) is None:
                continue

            def check(cls, records, *args, name=name, **kwargs):
                cls.check_button_scope(name, records)
            wrap_outermost(cls, name, check)

    @classmethod
    def check_button_scope(cls, button, records):
        """Raise ScopeError unless the user holds the acting side of every
        record, and SegregationError if they asked or sent it"""
        pool = Pool()
        User = pool.get('res.user')
        records = [r for r in records if r.id is not None and r.id >= 0]
        if not records:
            return
        paths = cls._button_scope.get(button, cls._scope_write)
        unrestricted, facilities = User.get_bhmis_facilities()
        if paths and not unrestricted:
            ids = [r.id for r in records]
            with without_check_access():
                inside = {r.id for r in cls.search([('id', 'in', ids),
                                ends_domain(paths, list(facilities))],
                        order=[])}
            for record in records:
                if record.id not in inside:
                    raise ScopeError(gettext('bhmis_base.msg_scope_button',
                            button=cls._button_string(button),
                            record=record.rec_name,
                            model=cls.__names__()['model']))
        for name in cls._button_segregation.get(button, ()):
            for record in records:
                if cls._is_user_own(getattr(record, name, None)):
                    raise SegregationError(gettext(
                            'bhmis_base.msg_segregation',
                            button=cls._button_string(button),
                            record=record.rec_name,
                            model=cls.__names__()['model']))

    @classmethod
    def _button_string(cls, button):
        "The button's label as the user sees it, in their language"
        Button = Pool().get('ir.model.button')
        return (Button.get_view_attributes(cls.__name__, button).get('string')
            or cls._buttons.get(button, {}).get('string') or button)

    @staticmethod
    def _is_user_own(value):
        "Whether value is the current user or one of their employees"
        user_id = Transaction().user
        if value is None or not user_id:
            return False
        name = value.__name__
        if name == 'res.user':
            return value.id == user_id
        if name == 'company.employee':
            User = Pool().get('res.user')
            with without_check_access():
                return value in User(user_id).employees
        return False

