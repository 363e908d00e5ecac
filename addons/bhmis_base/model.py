# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.model import Index, Unique, fields
from trytond.transaction import Transaction

from .guard import GuardedMixin


class CodeNameMixin(GuardedMixin):
    "A record known by a unique code and a name in English and Urdu"
    __slots__ = ()
    code = fields.Char("Code", required=True, strip=True)
    name = fields.Char("Name", required=True, strip=True)
    name_ur = fields.Char(
        "Urdu Name", strip=True, help="The name written in Urdu.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'bhmis_base.msg_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.name, Index.Similarity())),
                })
        cls._order.insert(0, ('name', 'ASC'))

    def get_rec_name(self, name):
        if Transaction().language == 'ur' and self.name_ur:
            return self.name_ur
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ('name_ur', operator, operand, *extra),
            ]
