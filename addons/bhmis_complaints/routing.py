# SPDX-License-Identifier: GPL-3.0-or-later
"""Where a new complaint goes: rules as data (category × district → a
group or a user, or the facility's focal person)."""
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from bhmis_base.guard import GuardedMixin

TARGETS = [
    ('focal_person', "Facility Focal Person"),
    ('user', "User"),
    ('group', "Group"),
    ]
FOCAL_GROUP = ('bhmis_complaints', 'group_complaint_focal_person')


class RoutingRule(sequence_ordered(), GuardedMixin, ModelSQL, ModelView):
    "Send the complaints of a category (and district) to an office"
    __name__ = 'bhmis.complaint.routing'
    __string__ = "Complaint Routing Rule"
    category = fields.Many2One('bhmis.complaint.category', "Category",
        ondelete='CASCADE', help="Empty for every category.")
    district = fields.Many2One('bhmis.district', "District",
        ondelete='CASCADE', help="Empty for every district.")
    target = fields.Selection(TARGETS, "Send To", required=True)
    user = fields.Many2One('res.user', "User", ondelete='CASCADE',
        states={
            'required': Eval('target') == 'user',
            'invisible': Eval('target') != 'user',
            })
    group = fields.Many2One('res.group', "Group", ondelete='CASCADE',
        states={
            'required': Eval('target') == 'group',
            'invisible': Eval('target') != 'group',
            })

    def match(self, category, district):
        return ((not self.category or self.category == category)
            and (not self.district or self.district == district))

    @classmethod
    def route(cls, category, facility, district):
        """Return (user, group) the complaint goes to: the first matching
        rule (the most specific first, then by sequence)"""
        with without_check_access():
            rules = [r for r in cls.search([]) if r.match(category, district)]
            rules.sort(key=lambda r: (-bool(r.category) - bool(r.district),
                    r.sequence or 0, r.id))
            for rule in rules:
                if rule.target == 'focal_person':
                    user = focal_person(facility)
                    if user:
                        return user, None
                elif rule.target == 'user':
                    return rule.user, None
                else:
                    return None, rule.group
            if category and category.route_to_focal_person:
                user = focal_person(facility)
                if user:
                    return user, None
        return None, cell_group()


def cell_group():
    pool = Pool()
    Group = pool.get('res.group')
    ModelData = pool.get('ir.model.data')
    return Group(ModelData.get_id('bhmis_base', 'group_complaint_officer'))


def focal_person(facility):
    "The active focal person of the facility (a user of it), if any"
    if not facility:
        return None
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    group = ModelData.get_id(*FOCAL_GROUP)
    with without_check_access():
        users = User.search([
                ('groups', '=', group),
                ('bhmis_facilities', '=', facility.id),
                ], order=[('id', 'ASC')], limit=1)
    return users[0] if users else None
