# SPDX-License-Identifier: GPL-3.0-or-later
"""What the authorization suite (tests/test_authorization.py) is built from.

- How a model is expected to be seen and changed: ``Scoped`` (through
  paths to its facility or district; ``CellScoped`` the same but for the
  1129 complaint cell, which sees every complaint), ``Summary`` (rows
  per district of what the user sees), ``Resource`` (notes and
  attachments follow the record they are on), ``Unscoped`` (catalogues:
  who reads, who edits), ``NotOnRPC`` (wizard forms and internal
  tables).
- ``World``: the served database as the administrator reads it (the
  roles' scopes, every record with the values at its scope paths, the
  fields, the buttons) and the roles' RPC clients.
- ``Answer``: how the server answered a call, told apart as allowed, refused
  by access control, refused for another reason, or crashed.

The expected outcome of every check is computed here from the scope paths
and the values read as administrator, never from what the server filters.
"""
import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field

from bhmis_base.scope import rule_leaves
from tests.rpc import RPCError

EVERYONE = 'everyone'
# Roles whose scope is the whole province (bhmis_base.res)
PROVINCE_WIDE_GROUPS = ('bhmis_base.group_admin',
    'bhmis_base.group_provincial_manager', 'bhmis_base.group_dhis2_admin')

# Workflow states: never written by hand; read with the records, to try
# records in each state
STATE_FIELDS = ('state', 'status', 'review_state')
# Records of each kind tried until one gives an answer that tells (one
# refused for another reason, its state, a constraint, does not)
CANDIDATES = 4

# What was checked, by kind (printed at the end of the suite)
TALLY = Counter()


def district_path(path):
    "The path to the district of the facility at path"
    return 'district' if path == 'id' else path + '.district'


def values_at(row, path, references=()):
    """The ids at the dotted path of a row read with that path (nested
    reads as Tryton returns them: 'a.' holds the record at a).

    references: (field, model) pairs: a reference field at the start of
    the path counts only when it points to that model."""
    head, _, rest = path.partition('.')
    model = dict(references).get(head)
    if model and not str(row.get(head) or '').startswith(model + ','):
        return set()
    if not rest:
        value = row.get(head)
        if value is None:
            return set()
        if isinstance(value, str):
            return {int(value.split(',', 1)[1])}
        return set(value) if isinstance(value, list) else {value}
    nested = row.get(head + '.')
    items = nested if isinstance(nested, list) else [nested]
    found = set()
    for item in items:
        if item:
            found |= values_at(item, rest)
    return found


class Expectation:
    "How the records of a model are seen and changed"

    def paths(self):
        "The dotted fields to read as administrator"
        return ()

    def readable(self, world, role, row):
        raise NotImplementedError

    def changeable(self, world, role, row, button=None):
        "Whether the role may change row (or press button on it)"
        return self.readable(world, role, row)

    # The roles that change the records (None: those who hold them)
    editors = None


@dataclass(frozen=True)
class Scoped(Expectation):
    """Seen through any of the facility paths (the facility or its
    district in the user's) or district paths; created, written and
    deleted only when every write path is empty or in scope.

    districts: the district paths when not derived from the facilities
    empty: paths whose emptiness makes the record seen by all
    references: (reference field, model) that a path counts for
    via: the field whose model's rules apply (Tryton's __access__)
    buttons: (button, paths): the side that presses the button, when not
        every write path (the model's _button_scope)
    readers: the roles that read the model at all (in their scope)
    """
    facilities: tuple = ()
    write: tuple = ()
    districts: tuple = None
    empty: tuple = ()
    references: tuple = ()
    via: str = None
    buttons: tuple = ()
    readers: object = EVERYONE

    def district_paths(self):
        if self.districts is not None:
            return self.districts
        return tuple(district_path(p) for p in self.facilities)

    def paths(self):
        paths = [*self.facilities, *self.district_paths(), *self.empty]
        for path in self.write + sum((p for _, p in self.buttons), ()):
            paths += [path, district_path(path)]
        return tuple(dict.fromkeys(paths))

    def readable(self, world, role, row):
        if self.readers != EVERYONE and role.login not in self.readers:
            return False
        if role.unrestricted:
            return True
        if self.empty and not any(values_at(row, p) for p in self.empty):
            return True
        return any(values_at(row, p, self.references) & role.facilities
                for p in self.facilities) or any(
            values_at(row, p, self.references) & role.districts
            for p in self.district_paths())

    def changeable(self, world, role, row, button=None):
        if not self.readable(world, role, row):
            return False
        if role.unrestricted:
            return True
        paths = dict(self.buttons).get(button, self.write)
        for path in paths:
            if values_at(row, path) and not (
                    values_at(row, path) & role.facilities
                    or values_at(row, district_path(path)) & role.districts):
                return False
        return True

    def rule_spec(self):
        """The scope rules this expectation stands for, as decode_rules
        reads them: (read, write)"""
        references = dict(self.references)

        def leaf(kind, path):
            return kind, path, references.get(path.split('.', 1)[0])
        read = {leaf('facilities', p) for p in self.facilities}
        # Facility paths match the user's facilities and their districts'
        # facilities: only explicit district paths are in the rules
        read |= {leaf('districts', p) for p in (self.districts or ())}
        read |= {('empty', p, None) for p in self.empty}
        return read, set(self.write)


@dataclass(frozen=True)
class CellScoped(Scoped):
    """Scoped, except for the 1129 complaint cell, which sees and handles
    every complaint wherever it is, or with no place at all
    (bhmis_complaints.scope)"""
    cell: tuple = ('complaints',)

    def readable(self, world, role, row):
        return role.login in self.cell or super().readable(world, role, row)

    def changeable(self, world, role, row, button=None):
        if role.login in self.cell:
            return True
        return super().changeable(world, role, row, button=button)


@dataclass(frozen=True)
class Summary(Expectation):
    """Rows per district (and type or category) of the records of counted
    that the user sees, their number in the field count: a row is seen when
    its district is one of the user's or of their facilities'.

    The ids of the rows are those of a record of each group, so differ from
    one user to the other: what a user sees is checked on its own read."""
    counted: str = None
    count: str = None
    district: str = 'district'

    def paths(self):
        return (self.district,)

    def readable(self, world, role, row):
        if role.unrestricted:
            return True
        return bool(values_at(row, self.district) & world.districts_seen(role))


@dataclass(frozen=True)
class Resource(Expectation):
    "Notes and attachments: seen and changed with the record they are on"
    field: str = 'resource'

    def paths(self):
        return (self.field,)

    def _on(self, world, row):
        model, id_ = row[self.field].split(',', 1)
        return model, world.row(model, int(id_))

    def readable(self, world, role, row):
        model, record = self._on(world, row)
        if record is None:
            return False
        return world.expectation(model).readable(world, role, record)

    def changeable(self, world, role, row, button=None):
        model, record = self._on(world, row)
        if record is None:
            return False
        return world.expectation(model).changeable(world, role, record)


@dataclass(frozen=True)
class Unscoped(Expectation):
    """Not scoped: the readers see every record, the editors (and the
    administrator) change them, nobody else does"""
    readers: object = EVERYONE
    editors: tuple = ()

    def readable(self, world, role, row):
        return self.readers == EVERYONE or role.login in self.readers

    def changeable(self, world, role, row, button=None):
        return role.login in self.editors


@dataclass(frozen=True)
class LocalCatalogue(Unscoped):
    """Unscoped, except that an editor restricted to districts changes
    only the records of their districts, not those of the whole province
    (an empty district) nor another district's"""
    district: str = 'district'

    def paths(self):
        return (self.district,)

    def changeable(self, world, role, row, button=None):
        if not super().changeable(world, role, row, button=button):
            return False
        return role.unrestricted or bool(
            values_at(row, self.district) & role.districts)


@dataclass(frozen=True)
class NotOnRPC(Expectation):
    "A wizard form (transient) or an internal table: no RPC at all"
    why: str = 'transient'


@dataclass
class Role:
    login: str
    unrestricted: bool
    districts: frozenset
    facilities: frozenset
    read_only: bool = False


@dataclass
class Answer:
    "How the server answered: a value, or an error's status and message"
    value: object = None
    status: int = None
    message: str = ''

    # Tryton's and BHMIS's refusals (ir.message, bhmis_base.message)
    ACCESS = re.compile(
        r"not allowed|that don't exist|outside your districts and "
        r"facilities|not by hand|may not both ask|Nobody searches or sorts")
    # A button refused by the record's state, which Tryton checks after
    # the access to the record, the model and the button (ir.msg_button_
    # state_record)
    STATE = re.compile(r'^You can not call "')
    # Tryton's ORM writes no table query (a view): NotImplementedError
    TABLE_QUERY = 'On table_query'

    @property
    def allowed(self):
        return self.status is None

    @property
    def verdict(self):
        """'allowed', 'refused' (by access control), 'crashed' (5xx),
        'state' (a button let through by access control, refused by the
        record's state) or 'other' (refused for another reason)"""
        if self.status is None:
            return 'allowed'
        if self.status == 403:
            # The method is not callable over RPC
            return 'refused'
        if self.status == 500 and self.message == self.TABLE_QUERY:
            return 'refused'
        if self.status >= 500:
            return 'crashed'
        if self.status == 400 and self.ACCESS.search(self.message):
            return 'refused'
        if self.status == 400 and self.STATE.search(self.message):
            return 'state'
        return 'other'

    @property
    def refused(self):
        return self.verdict == 'refused'

    def __str__(self):
        if self.allowed:
            text = json.dumps(self.value, default=str)
            return 'allowed: %s' % (
                text if len(text) < 200 else text[:200] + '...')
        return '%s (HTTP %s): %s' % (
            self.verdict, self.status, self.message[:300])


def error_message(body):
    "The message of an HTML error page of the server"
    found = re.search(r'<p>(.*)</p>', body, re.S)
    text = found.group(1) if found else body
    return html.unescape(re.sub(r'<br\s*/?>', '\n', text)).strip()


def call(client, model, method, *args):
    "Answer of model.method(*args) for the client"
    try:
        return Answer(value=client.model(model, method, *args))
    except RPCError as error:
        return Answer(status=error.status, message=error_message(error.body))


def button_names(arch):
    "Names of the model buttons of a view (not actions)"
    names = []
    for tag in re.findall(r'<button\b[^>]*>', arch):
        name = re.search(r'\bname="([^"]+)"', tag)
        kind = re.search(r'\btype="([^"]+)"', tag)
        if name and (not kind or kind.group(1) != 'action'):
            names.append(html.unescape(name.group(1)))
    return names


def decode_rules(domains, write=False):
    """The scope spec of rule domains (JSON): read rules give
    {(facilities|districts|empty, path, model)}, write rules {path}"""
    spec = set()
    for domain in domains:
        for leaf in rule_leaves(json.loads(domain)):
            path, operator, value = leaf[:3]
            model = leaf[3] if len(leaf) > 3 else None
            if write:
                if operator == '=' and value is None:
                    spec.add(path)
            elif operator == '=' and value is None:
                spec.add(('empty', path, None))
            elif isinstance(value, dict) and value.get('__class__') == 'Eval':
                # The store chains match the user's own facilities only: a
                # narrower set, read here as facilities
                kind = value['v']
                spec.add(('facilities' if kind == 'own_facilities' else kind,
                        path, model))
    return spec


@dataclass
class World:
    """The served database as the administrator reads it, and the roles'
    RPC clients"""
    server: object
    known: dict
    read_only: tuple = ()
    rows_: dict = field(default_factory=dict)
    by_id: dict = field(default_factory=dict)
    fields_: dict = field(default_factory=dict)
    cache: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)
    roles: dict = field(default_factory=dict)
    changed: list = field(default_factory=list)
    discovered: set = field(default_factory=set)

    def __post_init__(self):
        self.admin = self.server.rpc()
        self.admin.context['language'] = 'en'
        self.clients['admin'] = self.admin
        facilities = self.admin.model('bhmis.facility', 'search_read',
            [], 0, None, None, ['district'])
        self.facility_district = {f['id']: f['district'] for f in facilities}

    # Roles -----------------------------------------------------------

    def role(self, login):
        if login not in self.roles:
            self.roles[login] = self._load_role(login)
        return self.roles[login]

    def _load_role(self, login):
        "The role's scope, as the administrator reads the user"
        province_wide = {g['id'] for g in self.admin.model(
                'res.group', 'search_read', [], 0, None, None, ['xml_id'])
            if g['xml_id'] in PROVINCE_WIDE_GROUPS}
        user, = self.admin.model('res.user', 'search_read',
            [('login', '=', login)], 0, None, None,
            ['groups', 'bhmis_districts', 'bhmis_facilities',
                'bhmis_province'])
        return Role(login=login,
            unrestricted=bool(user['bhmis_province'])
            or bool(province_wide & set(user['groups'])),
            districts=frozenset(user['bhmis_districts']),
            facilities=frozenset(user['bhmis_facilities']),
            read_only=login in self.read_only)

    def districts_seen(self, role):
        "The role's districts and those of its facilities"
        return role.districts | {
            self.facility_district[f] for f in role.facilities}

    def client(self, login):
        if login not in self.clients:
            from tests.conftest import DEMO_PASSWORD
            client = self.server.rpc(login, DEMO_PASSWORD)
            # The refusals are told apart by their English messages
            client.context['language'] = 'en'
            self.clients[login] = client
        return self.clients[login]

    def call(self, login, model, method, *args):
        return call(self.client(login), model, method, *args)

    # Records as the administrator reads them -------------------------

    def expectation(self, model):
        return self.known[model]

    def rows(self, model):
        "Every record of model with the values at its scope paths"
        if model not in self.rows_:
            expectation = self.expectation(model)
            references = dict(getattr(expectation, 'references', ()))
            paths = [p for p in expectation.paths()
                if p.split('.', 1)[0] not in references]
            states = [n for n in STATE_FIELDS if n in self.fields(model)]
            rows = self.admin.model(model, 'search_read', [], 0, None,
                [('id', 'ASC')], ['id', *paths, *references, *states])
            for name, target in references.items():
                self._read_references(rows, name, target, [
                        p.split('.', 1)[1] for p in expectation.paths()
                        if p.startswith(name + '.')])
            self.rows_[model] = rows
            self.by_id[model] = {r['id']: r for r in rows}
        return self.rows_[model]

    def _read_references(self, rows, name, model, paths):
        """Read the paths of the records of model that the reference field
        name of rows points to, as a nested read would (one that follows
        a reference to several models fails when they differ)"""
        ids = {int(r[name].split(',', 1)[1]) for r in rows
            if str(r[name] or '').startswith(model + ',')}
        targets = {t['id']: t for t in self.admin.model(model, 'read',
                sorted(ids), ['id', *paths])}
        for row in rows:
            value = str(row[name] or '')
            row[name + '.'] = (targets.get(int(value.split(',', 1)[1]))
                if value.startswith(model + ',') else None)

    def row(self, model, id_):
        self.rows(model)
        return self.by_id[model].get(id_)

    def forget(self, why):
        """Something was changed that should not have been: read again
        (paths may have moved)"""
        self.changed.append(why)
        self.rows_.clear()
        self.by_id.clear()

    def fields(self, model):
        if model not in self.fields_:
            self.fields_[model] = self.admin.model(model, 'fields_get', None)
        return self.fields_[model]

    def restricted_fields(self, model):
        "Fields with their own access rules (ir.model.field.access)"
        if 'field access' not in self.cache:
            self.cache['field access'] = {
                (a['model'], a['field']) for a in self.admin.model(
                    'ir.model.field.access', 'search_read', [], 0, None,
                    None, ['model', 'field'])}
        return {f for m, f in self.cache['field access'] if m == model}

    def storable_fields(self, model, types):
        """Stored fields a user gives (not read-only, no field access rule),
        of the types, in that order of preference"""
        restricted = self.restricted_fields(model)
        found = []
        for name, definition in sorted(self.fields(model).items()):
            if (definition['type'] not in types or name in restricted
                    or definition.get('readonly')
                    or not definition.get('sortable')
                    or name in {'id', 'rec_name'} or name.startswith('_')):
                continue
            found.append(name)
        return sorted(found, key=lambda n: (
                types.index(self.fields(model)[n]['type']),
                'readonly' in json.loads(
                    self.fields(model)[n].get('states') or '{}'),
                n))

    def buttons(self, model):
        "The model's buttons: ir.model.button and those in its views"
        key = 'buttons', model
        if key not in self.cache:
            names = {b['name'] for b in self.admin.model(
                    'ir.model.button', 'search_read',
                    [('model', '=', model)], 0, None, None, ['name'])}
            views = self.admin.model('ir.ui.view', 'search_read', [
                    ('model', '=', model), ('inherit', '=', None),
                    ('type', 'in', ['form', 'tree']),
                    ], 0, None, None, ['id'])
            for view in views:
                answer = self.call('admin', model, 'fields_view_get',
                    view['id'])
                if answer.allowed:
                    names.update(button_names(answer.value['arch']))
            self.cache[key] = sorted(names)
        return self.cache[key]

    def rules(self, model, name):
        "The domains of the rule group name of model"
        groups = self.admin.model('ir.rule.group', 'search_read', [
                ('model', '=', model), ('name', '=', name)], 0, None, None,
            ['rules'])
        ids = [r for g in groups for r in g['rules']]
        return [r['domain'] for r in self.admin.model(
                'ir.rule', 'read', ids, ['domain'])]

    def targets(self, model, login, button=None):
        """Records the role must not change (or press button on):
        [(why, candidates)] for the records out of its scope and those it
        sees but does not hold at every end (or on the button's side); the
        candidates are a few such records, in different states"""
        expectation = self.expectation(model)
        role = self.role(login)
        rows = self.rows(model)
        if expectation.editors is not None:
            if login in expectation.editors:
                return []
            kinds = [('not an editor', rows)]
        elif role.read_only:
            kinds = [('read-only role', rows)]
        elif role.unrestricted:
            return []
        else:
            kinds = [
                ('out of scope', [r for r in rows
                        if not expectation.readable(self, role, r)]),
                ('seen, not held' + (' on the side of %s' % button
                        if button else ' at every end'),
                    [r for r in rows if expectation.readable(self, role, r)
                        and not expectation.changeable(
                            self, role, r, button)]),
                ]
        return [(why, variety(found)) for why, found in kinds if found]


def variety(rows, size=CANDIDATES):
    "A few of rows, the first of each workflow state first"
    states = {}
    for row in rows:
        states.setdefault(tuple(row.get(n) for n in STATE_FIELDS), row)
    chosen = list(states.values())[:size]
    return chosen + [r for r in rows if r not in chosen][:size - len(chosen)]
