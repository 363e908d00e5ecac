# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.pool import Pool, PoolMeta


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_cache_key(cls, model_names):
        pool = Pool()
        User = pool.get('res.user')
        key = super()._get_cache_key(model_names)
        return (*key, User.get_bhmis_scope(), User.get_bhmis_facilities())

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        unrestricted, districts, own = User.get_bhmis_scope()
        _, facilities = User.get_bhmis_facilities()
        context['bhmis_unrestricted'] = unrestricted
        context['districts'] = list(districts)
        # The user's facilities and every facility of their districts
        context['facilities'] = list(facilities)
        # The facilities the user answers for by name
        context['own_facilities'] = list(own)
        return context
