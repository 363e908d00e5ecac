# SPDX-License-Identifier: GPL-3.0-or-later
"""The website's content on the database: bodies sanitised on save in both
languages, the draft/published workflow, slugs and PDF documents checked,
the demo content in English and Urdu, and who may edit."""
import datetime as dt

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import CompanyTestMixin  # noqa: F401
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from bhmis_base.tests.tools import as_user
from bhmis_website import demo


def user(login, *groups):
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    return User.create([{'login': login, 'name': login,
                'groups': [('add', [ModelData.get_id(m, g)
                            for m, g in groups])]}])[0]


class WebsiteTestCase(ModuleTestCase):
    "Test bhmis_website module"
    module = 'bhmis_website'

    @with_transaction()
    def test_body_sanitised_on_save_in_each_language(self):
        "Scripts and handlers are removed when a page is saved, in Urdu too"
        Page = Pool().get('bhmis.web.page')
        page, = Page.create([{'slug': 'about', 'title': "About",
                    'body': '<p onclick="x()">Hi</p><script>alert(1)'
                    '</script>'}])
        self.assertEqual(page.body, '<p>Hi</p>')
        with Transaction().set_context(language='ur'):
            Page.write([page], {'body': '<p>سلام<img src=x onerror=a>'
                    '</p>'})
            self.assertEqual(Page(page.id).body, '<p>سلام</p>')
        with Transaction().set_context(language='en'):
            self.assertEqual(Page(page.id).body, '<p>Hi</p>',
                msg="the English body is kept")

    @with_transaction()
    def test_publish_and_back_to_draft(self):
        "Only published records dated today or before are public"
        pool = Pool()
        News = pool.get('bhmis.web.news')
        today = News.today()
        draft, later, dated = News.create([
                {'slug': 'a', 'title': "A", 'kind': 'news'},
                {'slug': 'b', 'title': "B", 'kind': 'notice',
                    'published_on': today + dt.timedelta(days=3)},
                {'slug': 'c', 'title': "C", 'kind': 'tender'}])
        self.assertEqual(News.search(News.published_domain()), [])
        News.publish([later, dated])
        self.assertEqual(dated.published_on, today,
            msg="publishing dates an undated item today")
        self.assertEqual(News.search(News.published_domain()), [dated],
            msg="a draft and a future item are not shown")
        News.unpublish([dated])
        self.assertEqual(News.search(News.published_domain()), [])

    @with_transaction()
    def test_slug_checked(self):
        Page = Pool().get('bhmis.web.page')
        for slug in ('../etc', 'a b', 'a/b', '<x>'):
            with self.assertRaises(UserError, msg=slug):
                Page.create([{'slug': slug, 'title': "X"}])
        Page.create([{'slug': ' Services ', 'title': "X"}])
        self.assertEqual(Page.search([])[0].slug, 'services',
            msg="stripped and lower-cased")
        with self.assertRaises(Exception, msg="unique"):
            Page.create([{'slug': 'services', 'title': "Y"}])

    @with_transaction()
    def test_documents_must_be_pdf(self):
        pool = Pool()
        News = pool.get('bhmis.web.news')
        Document = pool.get('bhmis.web.document')
        news, = News.create([{'slug': 't', 'title': "T", 'kind': 'tender'}])
        for data in (b'MZ\x90\x00 an executable', b'%PDF-1.4 cut short',
                b'<html><script>x</script></html>'):
            with self.assertRaises(UserError, msg=data[:10]):
                Document.create([{'title': "D", 'file_name': 'd.pdf',
                            'data': data, 'news': news.id}])
        document, = Document.create([{'title': "D",
                    'file_name': 'tender notice.pdf',
                    'data': demo.pdf("Tender"), 'news': news.id}])
        self.assertEqual(document.public_name(), 'tender-notice.pdf')

    @with_transaction()
    def test_demo_in_both_languages(self):
        pool = Pool()
        Page = pool.get('bhmis.web.page')
        News = pool.get('bhmis.web.news')
        import random
        self.assertGreater(demo.load('small', random.Random(1)), 8)
        self.assertEqual(demo.load('small', random.Random(1)), 0,
            msg="loading again creates nothing")
        slugs = {p.slug for p in Page.search(Page.published_domain())}
        self.assertLessEqual({'home', 'about', 'services',
                'health-programmes', 'complaint-cell-1129'}, slugs)
        kinds = {n.kind for n in News.search(News.published_domain())}
        self.assertEqual(kinds, {'news', 'notice', 'tender'})
        with Transaction().set_context(language='ur'):
            about, = Page.search([('slug', '=', 'about')])
            self.assertEqual(about.title, 'محکمہ کا تعارف')
        with Transaction().set_context(language='en'):
            about, = Page.search([('slug', '=', 'about')])
            self.assertEqual(about.title, 'About the department')
        tender, = News.search([('kind', '=', 'tender')])
        self.assertEqual(len(tender.documents), 1)

    @with_transaction()
    def test_only_web_editors_change_content(self):
        "A DHO reads the content but cannot edit or publish it"
        pool = Pool()
        Page = pool.get('bhmis.web.page')
        page, = Page.create([{'slug': 'about', 'title': "About"}])
        dho = user('dho', ('bhmis_base', 'group_dho'))
        editor = user('editor', ('bhmis_website', 'group_web_editor'))
        with as_user(dho):
            self.assertEqual(len(Page.search([])), 1)
            with self.assertRaises(AccessError):
                Page.write([Page(page.id)], {'title': "Hacked"})
            with self.assertRaises(AccessError):
                Page.create([{'slug': 'x', 'title': "X"}])
            with self.assertRaises(Exception):
                Page.publish([Page(page.id)])
        with as_user(editor):
            Page.write([Page(page.id)], {'body': '<b>ok</b>'})
            Page.publish([Page(page.id)])
        self.assertEqual(Page(page.id).state, 'published')


del ModuleTestCase
