# SPDX-License-Identifier: GPL-3.0-or-later
"""Load demo data: each BHMIS module may ship a `demo` module with
`load(size, rng)`, called in dependency order inside one transaction."""
import random

from .hooks import modules_with

SIZES = ('small', 'province')
SEED = 20261126


def load(pool, size):
    "Run every module's demo loader; return {module: count}"
    loaded = {}
    for name, module in modules_with(pool, 'demo'):
        # A fixed seed per module keeps every run identical
        loaded[name] = module.load(size, random.Random(
                '%s-%s-%s' % (SEED, name, size)))
    return loaded
