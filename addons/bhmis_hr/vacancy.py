# SPDX-License-Identifier: GPL-3.0-or-later
from sql import Literal, Null
from sql.aggregate import Min, Sum
from sql.conditionals import Case
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool

from bhmis_base.bulk import BulkReadMixin
from bhmis_base.scope import ScopedMixin


class Vacancy(BulkReadMixin, ScopedMixin, ModelSQL, ModelView):
    "Sanctioned, filled, vacant and surplus posts, computed in SQL"
    __name__ = 'bhmis.vacancy'
    __string__ = "Vacancies"
    _scope_facility = 'facility'
    facility = fields.Many2One('bhmis.facility', "Facility", readonly=True)
    district = fields.Many2One('bhmis.district', "District", readonly=True)
    designation = fields.Many2One(
        'bhmis.designation', "Designation", readonly=True)
    cadre = fields.Many2One('bhmis.cadre', "Cadre", readonly=True)
    sanctioned = fields.Integer("Sanctioned", readonly=True)
    filled = fields.Integer("Filled", readonly=True,
        help="Employees holding an open primary posting.")
    vacant = fields.Integer("Vacant", readonly=True)
    surplus = fields.Integer("Surplus", readonly=True,
        help="Employees posted beyond the sanctioned posts.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('district', 'ASC'), ('facility', 'ASC'),
            ('designation', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Post = pool.get('bhmis.sanctioned_post')
        Posting = pool.get('bhmis.posting')
        Facility = pool.get('bhmis.facility')
        Designation = pool.get('bhmis.designation')
        post, posting = Post.__table__(), Posting.__table__()
        facility, designation = Facility.__table__(), Designation.__table__()
        # Ids of posts are even and of postings odd, so that the smallest
        # of a group is a unique id
        rows = post.select(
            (post.id * 2).as_('id'), post.facility, post.designation,
            post.count.as_('sanctioned'), Literal(0).as_('filled'))
        rows |= posting.select(
            (posting.id * 2 + 1).as_('id'), posting.facility,
            posting.designation, Literal(0).as_('sanctioned'),
            Literal(1).as_('filled'),
            where=(posting.end_date == Null)
            & (posting.primary == Literal(True)))
        rows.all_ = True
        sanctioned, filled = Sum(rows.sanctioned), Sum(rows.filled)
        return rows.join(facility, condition=rows.facility == facility.id
            ).join(designation,
                condition=rows.designation == designation.id
            ).select(
                Min(rows.id).as_('id'),
                rows.facility, facility.district,
                rows.designation, designation.cadre,
                sanctioned.as_('sanctioned'), filled.as_('filled'),
                Case((sanctioned > filled, sanctioned - filled),
                    else_=0).as_('vacant'),
                Case((filled > sanctioned, filled - sanctioned),
                    else_=0).as_('surplus'),
                group_by=[rows.facility, facility.district,
                    rows.designation, designation.cadre])
