# SPDX-License-Identifier: GPL-3.0-or-later
"""Extension points the `bhmis` command offers to BHMIS modules.

A module may ship, beside its models:
- `setup.py` with `run()`: what every database needs after an upgrade
  (run by `bhmis init`, idempotent);
- `demo.py` with `load(size, rng)`: its demo data (`bhmis init --demo`).
They run in dependency order inside the caller's transaction.
"""
import importlib


def modules_with(pool, hook):
    "Yield (name, python module) of activated BHMIS modules having hook"
    from trytond.modules import create_graph, get_modules
    activated = {m.name for m in pool.get('ir.module').search(
            [('state', '=', 'activated')])}
    for node in create_graph(get_modules()):
        if node.name not in activated or not node.name.startswith('bhmis_'):
            continue
        try:
            module = importlib.import_module('%s.%s' % (node.name, hook))
        except ModuleNotFoundError as exception:
            if exception.name != '%s.%s' % (node.name, hook):
                raise
            continue
        yield node.name, module


def setup(pool):
    "Run every module's setup"
    for _, module in modules_with(pool, 'setup'):
        module.run()
