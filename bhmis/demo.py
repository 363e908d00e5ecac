# SPDX-License-Identifier: GPL-3.0-or-later
"""Load demo data: each BHMIS module may ship a `demo` module with
`load(size, rng)`, called in dependency order inside one transaction."""
import importlib
import random

SIZES = ('small', 'province')
SEED = 20261126


def load(pool, size):
    "Run every module's demo loader; return {module: count}"
    from trytond.modules import create_graph, get_modules
    activated = {m.name for m in pool.get('ir.module').search(
            [('state', '=', 'activated')])}
    loaded = {}
    for node in create_graph(get_modules()):
        if node.name not in activated or not node.name.startswith('bhmis_'):
            continue
        try:
            module = importlib.import_module(node.name + '.demo')
        except ModuleNotFoundError as exception:
            if exception.name != node.name + '.demo':
                raise
            continue
        # A fixed seed per module keeps every run identical
        loaded[node.name] = module.load(size, random.Random(
                '%s-%s-%s' % (SEED, node.name, size)))
    return loaded
