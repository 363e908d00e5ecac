# SPDX-License-Identifier: GPL-3.0-or-later
"""News, notices and tenders of the public site (`/<lang>/news/<slug>`,
the home page's latest, the Atom feed)."""
from trytond.model import ModelSQL, ModelView, Unique, fields

from .publishing import Publishing

KINDS = [
    ('news', "News"),
    ('notice', "Notice"),
    ('tender', "Tender"),
    ]


class News(Publishing, ModelSQL, ModelView):
    "Web News"
    __name__ = 'bhmis.web.news'
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False)
    summary = fields.Char("Summary", translate=True, size=300,
        help="One or two sentences shown in lists and shared links.")
    documents = fields.One2Many('bhmis.web.document', 'news', "Documents")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('slug_unique', Unique(t, t.slug),
                'bhmis_website.msg_news_slug_unique'),
            ]

    @staticmethod
    def default_kind():
        return 'news'
