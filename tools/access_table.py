# SPDX-License-Identifier: GPL-3.0-or-later
"""Write doc/access.rst: what each demo role may read, create, write and
delete, and which records, from the database itself.

    .venv/bin/python tools/access_table.py [--output FILE] [--check]

It opens the database of the settings (BHMIS_DB, BHMIS_DATABASE_URI,
BHMIS_VAR, as every `bhmis` command does), which must hold the `small`
demo (`bhmis init --demo small`), and reads, inside Tryton:

- the model access rights (ir.model.access) as Tryton computes them for
  each demo user's groups (ModelAccess.get_access as that user);
- the BHMIS scope rules (ir.rule, installed by bhmis_base.scope) of each
  model: the paths to the facility (or district) a record is seen
  through, and the ends a user must all hold to change it;
- each user's scope (res.user.get_bhmis_scope).

--check compares with the file instead of writing it and exits 1 when it
differs (tests/test_authorization.py runs it).
"""
import argparse
import difflib
import json
import sys
from pathlib import Path

from bhmis import database
from bhmis import settings as bhmis_settings

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / 'doc' / 'access.rst'
# Tryton's models holding BHMIS data, with those of the bhmis_* modules
TRYTON_MODELS = ('company.employee', 'attendance.line', 'attendance.sheet',
    'attendance.sheet.line', 'stock.move', 'stock.shipment.internal',
    'stock.shipment.in', 'stock.inventory', 'stock.inventory.line',
    'stock.location', 'stock.lot', 'product.product', 'ir.attachment',
    'ir.note', 'res.user')
PERMISSIONS = ('read', 'create', 'write', 'delete')
# The complaint models' rules let the 1129 cell see every record
# (bhmis_complaints.scope)
CELL_CONTEXT = 'bhmis_complaint_cell'
CELL_NOTE = '; all for the 1129 cell'
CELL_GROUP = 'BHMIS Complaint Officer'


def demo_logins():
    "The demo users, in the order of the README"
    from bhmis_base.demo import DEMO_USERS
    from bhmis_complaints.demo import FOCAL_USERS
    from bhmis_hr.demo import PROVINCIAL_HR
    from bhmis_inventory.demo_moves import BHU_KEEPER
    logins = ['admin'] + [u[0] for u in DEMO_USERS]
    logins.insert(logins.index('hr.quetta') + 1, PROVINCIAL_HR[0])
    logins.insert(logins.index('store.quetta') + 1, BHU_KEEPER[0])
    logins[logins.index('complaints') + 1:logins.index('complaints') + 1] = [
        u[0] for u in FOCAL_USERS]
    return logins


def model_scope(pool, model):
    """The scope of model's records: (seen through, changed holding), as
    texts, from its BHMIS rules (or those of the record it belongs to)"""
    from bhmis_base.scope import (
        SCOPE_RULE_NAME,
        SCOPE_WRITE_RULE_NAME,
        rule_leaves,
    )
    Rule = pool.get('ir.rule')

    cell = []

    def leaves(name):
        rules = Rule.search([
                ('rule_group.model', '=', model),
                ('rule_group.name', '=', name),
                ], order=[('id', 'ASC')])
        found = []
        for rule in rules:
            rule_leaves(json.loads(rule.domain), found)
            if CELL_CONTEXT in rule.domain:
                cell.append(CELL_NOTE)
        return found
    seen, derived, empty = [], set(), []
    for path, operator, value, *reference in leaves(SCOPE_RULE_NAME):
        through = ' (%s)' % reference[0] if reference else ''
        if operator == '=' and value is None:
            empty.append('; all without %s' % path)
        elif isinstance(value, dict) and value.get('v') in {
                'facilities', 'own_facilities'}:
            seen.append(path + through)
            derived.add(('district' if path == 'id'
                    else path + '.district') + through)
    for path, operator, value, *reference in leaves(SCOPE_RULE_NAME):
        through = ' (%s)' % reference[0] if reference else ''
        if (isinstance(value, dict) and value.get('v') == 'districts'
                and path + through not in derived):
            seen.append('%s%s (its district only)' % (path, through))
    held = [path for path, operator, value, *_ in leaves(
            SCOPE_WRITE_RULE_NAME) if operator == '=' and value is None]
    if not seen:
        from trytond.ir.resource import ResourceAccessMixin
        Model = pool.get(model)
        for name in sorted(getattr(Model, '__access__', ())):
            target = getattr(Model, name).get_target().__name__
            if model_scope(pool, target)[0]:
                return 'as its %s (%s)' % (name, target), ''
        if issubclass(Model, ResourceAccessMixin):
            return 'as the record it is on (resource)', ''
        if Model._is_table_query():
            return 'not by a rule: a view, computed as the user', ''
    return (', '.join(seen) + ''.join(empty) + ''.join(sorted(set(cell))),
        ', '.join(held))


def collect(pool):
    "The roles, the models and who may do what, read from the database"
    from trytond.model import ModelStorage, ModelView
    from trytond.transaction import Transaction
    ModelAccess = pool.get('ir.model.access')
    Model = pool.get('ir.model')
    RuleGroup = pool.get('ir.rule.group')
    User = pool.get('res.user')
    Facility = pool.get('bhmis.facility')

    names = {m.name for m in Model.search(['OR',
                ('module', 'like', 'bhmis_%'),
                ('name', 'in', TRYTON_MODELS)])}
    names |= {g.model for g in RuleGroup.search(
            [('name', 'like', 'BHMIS:%')])}
    # Models users reach over RPC: stored and with views
    names = sorted(n for n in names
        if issubclass(pool.get(n), ModelStorage)
        and issubclass(pool.get(n), ModelView))
    strings = {m.name: m.string for m in Model.search(
            [('name', 'in', names)])}
    scopes = {n: model_scope(pool, n) for n in names}

    roles = []
    users = {u.login: u for u in User.search(
            [('login', 'in', demo_logins())])}
    for login in demo_logins():
        user = users.get(login)
        if not user:
            continue
        with Transaction().set_user(user.id):
            unrestricted, districts, facilities = User.get_bhmis_scope()
            access = ModelAccess.get_access(names)
        if unrestricted:
            where = "whole province"
        else:
            where = ', '.join(
                [d.name for d in pool.get('bhmis.district').browse(
                        districts)]
                + [f.code for f in Facility.browse(facilities)])
        roles.append({
                'login': login,
                'name': user.name,
                'groups': ', '.join(sorted(g.name for g in user.groups)),
                'where': where,
                'unrestricted': unrestricted,
                'access': access,
                })
    return {'models': names, 'strings': strings, 'scopes': scopes,
        'roles': roles}


def table(header, rows):
    "An RST simple table (its last column as wide as it needs)"
    widths = [max(len(r[n]) for r in [header] + rows)
        for n in range(len(header))]
    border = '  '.join('=' * w for w in widths)

    def line(row):
        return '  '.join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
    return [border, line(header), border, *map(line, rows), border, '']


def render(data):
    "The text of doc/access.rst"
    lines = [
        '.. SPDX-License-Identifier: GPL-3.0-or-later',
        '.. Written by tools/access_table.py from a database with the',
        '   small demo: do not edit by hand, run it again.',
        '',
        'Who may do what',
        '===============',
        '',
        "What each role of the small demo may read (R), create (C), write "
        "(W) and delete (D) on the models holding BHMIS data (model access "
        "rights, for the role's groups), and which records: those of its "
        "districts and facilities when the model is scoped and the role "
        "is not province-wide, else all.  Buttons and workflow "
        "transitions check the same scope on the side that acts "
        "(``_button_scope``); ``tests/test_authorization.py`` checks all "
        "of it against a served database.",
        '',
        'Roles',
        '-----',
        '',
        ]
    lines += table(['Login', 'Name', 'Districts and facilities', 'Groups'],
        [['``%s``' % r['login'], r['name'], r['where'], r['groups']]
            for r in data['roles']])
    lines += [
        'Scopes',
        '------',
        '',
        "A record of a scoped model is seen by a user when the facility at "
        "one of the paths (or that facility's district) is one of the "
        "user's; it is created, written and deleted only when every "
        "end named under *Changed holding* is empty or the user's.",
        '',
        ]
    lines += table(['Model', 'Changed holding', 'Seen through'],
        [['``%s``' % m, data['scopes'][m][1],
                data['scopes'][m][0] or 'not scoped']
            for m in data['models']])
    for role in data['roles']:
        title = '``%s``: %s' % (role['login'], role['name'])
        lines += [title, '-' * len(title), '']
        rows = []
        for model in data['models']:
            access = role['access'][model]
            if not any(access[p] for p in PERMISSIONS):
                continue
            scope = data['scopes'][model][0]
            if scope.startswith('not by a rule'):
                records = 'computed as the user'
            elif not scope or role['unrestricted'] or (
                    scope.endswith(CELL_NOTE)
                    and CELL_GROUP in role['groups']):
                records = 'all'
            elif data['scopes'][model][1]:
                records = 'its scope; changes holding every end'
            else:
                records = 'its scope'
            rows.append(['``%s``' % model]
                + ['x' if access[p] else '-' for p in PERMISSIONS]
                + [records])
        lines += table(['Model', 'R', 'C', 'W', 'D', 'Records'], rows)
        lines.append('Not listed: no access.')
        lines.append('')
    return '\n'.join(lines).rstrip('\n') + '\n'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--output', type=Path, default=OUTPUT)
    parser.add_argument('--check', action='store_true',
        help="compare with the file, exit 1 when it differs")
    options = parser.parse_args(argv)
    settings = bhmis_settings.load()
    bhmis_settings.write_trytond_conf(settings)
    with database.open_pool(settings, readonly=True,
            context={'language': 'en'}) as (pool, transaction):
        text = render(collect(pool))
    if options.check:
        current = (options.output.read_text()
            if options.output.exists() else '')
        if current != text:
            sys.stdout.writelines(difflib.unified_diff(
                    current.splitlines(True), text.splitlines(True),
                    str(options.output), 'generated'))
            print("%s is out of date: run tools/access_table.py"
                % options.output)
            return 1
        return 0
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(text)
    print("wrote %s" % options.output)
    return 0


if __name__ == '__main__':
    sys.exit(main())
