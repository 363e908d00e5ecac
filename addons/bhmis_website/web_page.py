# SPDX-License-Identifier: GPL-3.0-or-later
"""A content page of the public site (`/<lang>/pages/<slug>`): about the
department, services, health programmes...  The page with the slug `home`
is the department's message on the home page."""
from trytond.model import ModelSQL, ModelView, Unique, fields

from .publishing import Publishing

HOME = 'home'


class Page(Publishing, ModelSQL, ModelView):
    "Web Page"
    __name__ = 'bhmis.web.page'
    menu_position = fields.Integer("Menu Position",
        help="The page's place in the site's menu (smallest first); "
        "empty: not in the menu.")
    documents = fields.One2Many('bhmis.web.document', 'page', "Documents")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('slug_unique', Unique(t, t.slug),
                'bhmis_website.msg_page_slug_unique'),
            ]
