# SPDX-License-Identifier: GPL-3.0-or-later
from trytond.model import Check, Index, ModelSQL, ModelView, Unique, fields

from bhmis_base.scope import ScopedMixin

from .cadre import check_bps


class SanctionedPost(ScopedMixin, ModelSQL, ModelView):
    __name__ = 'bhmis.sanctioned_post'
    __string__ = "Sanctioned Post"
    _history = True
    _scope_facility = 'facility'
    facility = fields.Many2One('bhmis.facility', "Facility", required=True,
        ondelete='CASCADE')
    designation = fields.Many2One('bhmis.designation', "Designation",
        required=True, ondelete='RESTRICT')
    count = fields.Integer("Sanctioned", required=True,
        help="How many posts of this designation the facility has.")
    bps = fields.Integer("BPS", help="Basic Pay Scale grade of the posts.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('facility_designation_unique',
                Unique(t, t.facility, t.designation),
                'bhmis_hr.msg_sanctioned_post_unique'),
            ('count_positive', Check(t, t.count >= 0),
                'bhmis_hr.msg_sanctioned_post_count_positive'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.facility, Index.Range()),
                (t.designation, Index.Range())))

    @classmethod
    def default_count(cls):
        return 1

    def get_rec_name(self, name):
        return '%s @ %s' % (self.designation.rec_name, self.facility.rec_name)

    @classmethod
    def validate_fields(cls, posts, field_names):
        super().validate_fields(posts, field_names)
        if field_names and 'bps' not in field_names:
            return
        for post in posts:
            check_bps(post.bps, post.rec_name)
