# SPDX-License-Identifier: GPL-3.0-or-later
"""What pages and news share: a slug, a body sanitised on save, and a
draft/published workflow through buttons (published records appear on the
public site from their publication date)."""
import datetime as dt
import re
from zoneinfo import ZoneInfo

from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from bhmis_base.guard import GuardedMixin

from . import sanitize
from .exceptions import ContentError

SLUG = re.compile(r'^[a-z0-9]+(?:-[a-z0-9]+)*$')
# Publication dates are Balochistan's, whoever publishes or reads
TIMEZONE = ZoneInfo('Asia/Karachi')
SLUG_MAX = 80


class Publishing(GuardedMixin, Workflow):
    __slots__ = ()
    slug = fields.Char("Slug", required=True, size=SLUG_MAX,
        help="The last part of the address: lower-case letters, digits and "
        "hyphens, e.g. health-programmes.")
    title = fields.Char("Title", required=True, translate=True, size=200)
    body = fields.Text("Body", translate=True,
        help="A safe subset of HTML (headings, paragraphs, lists, tables, "
        "links); anything else is removed when saved.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('published', "Published"),
            ], "State", readonly=True, required=True, sort=False)
    published_on = fields.Date("Publication Date",
        help="The date shown on the site; set when published if empty.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {
            ('draft', 'published'),
            ('published', 'draft'),
            }
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'unpublish': {
                    'invisible': Eval('state') != 'published',
                    'depends': ['state'],
                    },
                })
        cls._order = [('published_on', 'DESC NULLS FIRST'), ('id', 'DESC')]

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def today(cls):
        return Pool().get('ir.date').today(timezone=TIMEZONE)

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, records):
        undated = [r for r in records if not r.published_on]
        if undated:
            cls.write(undated, {'published_on': cls.today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def unpublish(cls, records):
        pass

    @classmethod
    def _clean(cls, values):
        values = values.copy()
        if values.get('body') is not None:
            values['body'] = sanitize.clean(values['body'])
        if values.get('slug') is not None:
            values['slug'] = values['slug'].strip().lower()
        return values

    @classmethod
    def create(cls, vlist):
        return super().create([cls._clean(v) for v in vlist])

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        cleaned = []
        for records, values in zip(actions, actions):
            cleaned.extend((records, cls._clean(values)))
        super().write(*cleaned)

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        if field_names and 'slug' not in field_names:
            return
        for record in records:
            if not SLUG.match(record.slug or ''):
                raise ContentError(gettext('bhmis_website.msg_slug_invalid',
                        slug=record.slug))

    @classmethod
    def published_domain(cls):
        "The records the public sees today"
        return [('state', '=', 'published'),
            ['OR', ('published_on', '=', None),
                ('published_on', '<=', cls.today())]]


def date_text(date, language):
    "A date as the public pages write it"
    if not date:
        return ''
    if language == 'ur':
        months = ('جنوری', 'فروری', 'مارچ', 'اپریل', 'مئی', 'جون',
            'جولائی', 'اگست', 'ستمبر', 'اکتوبر', 'نومبر', 'دسمبر')
        return '%s %s %s' % (date.day, months[date.month - 1], date.year)
    return date.strftime('%d %B %Y').lstrip('0')


def in_language(language):
    "A context reading translatable fields in language"
    return Transaction().set_context(language=language)


__all__ = ['Publishing', 'date_text', 'in_language', 'dt']
