# SPDX-License-Identifier: GPL-3.0-or-later
"""Equipment without an operator, with bhmis_hr: an item whose category
names the designations that operate it (an X-ray machine: radiographer),
at a facility where nobody of those designations holds a posting today."""
from sql import Literal, Null
from sql.operators import Exists
from trytond.model import ModelSQL, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class EquipmentCategoryDesignation(ModelSQL):
    __name__ = 'bhmis.equipment.category-bhmis.designation'
    __string__ = "Equipment Category - Operator Designation"
    category = fields.Many2One('bhmis.equipment.category', "Category",
        required=True, ondelete='CASCADE')
    designation = fields.Many2One('bhmis.designation', "Designation",
        required=True, ondelete='CASCADE')


class EquipmentCategory(metaclass=PoolMeta):
    __name__ = 'bhmis.equipment.category'
    operator_designations = fields.Many2Many(
        'bhmis.equipment.category-bhmis.designation', 'category',
        'designation', "Operator Designations",
        help="The staff who can operate its equipment; empty when anyone "
        "can.")


class Equipment(metaclass=PoolMeta):
    __name__ = 'bhmis.equipment'
    operator_posted = fields.Function(fields.Boolean("Operator Posted",
            help="Someone of a designation that operates the item holds a "
            "posting at its facility today, or the item needs no "
            "operator."),
        'get_operator_posted', searcher='search_operator_posted')

    @classmethod
    def without_operator_query(cls):
        """Return the query of the ids of equipment that needs an operator
        and has none posted at its facility today"""
        pool = Pool()
        Link = pool.get('bhmis.equipment.category-bhmis.designation')
        Posting = pool.get('bhmis.posting')
        Date = pool.get('ir.date')
        equipment = cls.__table__()
        link = Link.__table__()
        posting = Posting.__table__()
        today = Date.today()
        posted = posting.join(link,
            condition=posting.designation == link.designation).select(
            Literal(1),
            where=(link.category == equipment.category)
            & (posting.facility == equipment.facility)
            & (posting.start_date <= today)
            & ((posting.end_date == Null) | (posting.end_date >= today)))
        needs = link.select(link.category)
        return equipment.select(equipment.id,
            where=equipment.category.in_(needs) & ~Exists(posted))

    @classmethod
    def get_operator_posted(cls, equipment, name):
        cursor = Transaction().connection.cursor()
        query = cls.without_operator_query()
        result = {e.id: True for e in equipment}
        for start in range(0, len(equipment), 1000):
            batch = [e.id for e in equipment[start:start + 1000]]
            table = cls.__table__()
            cursor.execute(*table.select(table.id,
                    where=table.id.in_(batch) & table.id.in_(query)))
            for id_, in cursor:
                result[id_] = False
        return result

    @classmethod
    def search_operator_posted(cls, name, clause):
        _, operator, value = clause
        without = (operator == '=') != bool(value)
        return [('id', 'in' if without else 'not in',
                cls.without_operator_query())]
