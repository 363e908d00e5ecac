# SPDX-License-Identifier: GPL-3.0-or-later
"""The public pages of the content edited in the back office: content
pages, news and notices, their documents, the Atom feed, the menu and the
home page's message and latest news.  Only published records, read as
plain data."""
import datetime as dt

from werkzeug.wrappers import Response

from . import home, routing, sanitize
from .publishing import date_text
from .routing import route, sitemap
from .web_page import HOME

LATEST = 5
NEWS_PAGE = 20
FEED = 20


def kind_labels(page):
    _ = page._
    return {'news': _('News'), 'notice': _('Notice'), 'tender': _('Tender')}


def _news_item(record, page, labels):
    return {
        'slug': record.slug,
        'title': record.title,
        'summary': record.summary or sanitize.text(record.body, 200),
        'kind': record.kind,
        'kind_label': labels[record.kind],
        'date': record.published_on,
        'date_iso': record.published_on.isoformat()
        if record.published_on else '',
        'date_text': date_text(record.published_on, page.language),
        }


def _documents(records):
    return [{'id': d.id, 'title': d.title, 'name': d.public_name(),
            'size_kb': max(1, (len(d.data or b'') + 1023) // 1024)}
        for d in records]


def latest_news(page, limit=LATEST, kind=None):
    labels = kind_labels(page)

    def read(pool):
        News = pool.get('bhmis.web.news')
        domain = News.published_domain()
        if kind:
            domain.append(('kind', '=', kind))
        return [_news_item(n, page, labels)
            for n in News.search(domain, limit=limit)]
    return page.run(read)


def home_sections(page):
    def read(pool):
        Page = pool.get('bhmis.web.page')
        pages = Page.search([('slug', '=', HOME)]
            + Page.published_domain(), limit=1)
        if not pages:
            return None
        return {'title': pages[0].title, 'body': pages[0].body or ''}
    return {'message': page.run(read), 'news': latest_news(page)}


home.HOME_SECTIONS.append(home_sections)


def menu_pages(page):
    def read(pool):
        Page = pool.get('bhmis.web.page')
        return [(p.title, page.url('/pages/%s' % p.slug))
            for p in Page.search([('menu_position', '!=', None)]
                + Page.published_domain(),
                order=[('menu_position', 'ASC'), ('id', 'ASC')])]
    return page.run(read)


routing.MENUS.append(menu_pages)


@route('/pages/<slug>')
def content_page(page, slug):
    def read(pool):
        Page = pool.get('bhmis.web.page')
        pages = Page.search([('slug', '=', slug)]
            + Page.published_domain(), limit=1)
        if not pages:
            return None
        record, = pages
        return {'title': record.title, 'body': record.body or '',
            'date': date_text(record.published_on, page.language),
            'documents': _documents(record.documents)}
    found = page.run(read)
    if found is None:
        page.not_found()
    return page.render('content_page.html', **found)


@route('/news/')
def news_list(page):
    kind = page.request.args.get('kind')
    if kind not in {None, 'news', 'notice', 'tender'}:
        kind = None
    return page.render('news_list.html', title=page._('News and notices'),
        items=latest_news(page, NEWS_PAGE, kind), kind=kind,
        labels=kind_labels(page))


@route('/news/<slug>')
def news_item(page, slug):
    labels = kind_labels(page)

    def read(pool):
        News = pool.get('bhmis.web.news')
        found = News.search([('slug', '=', slug)]
            + News.published_domain(), limit=1)
        if not found:
            return None
        record, = found
        item = _news_item(record, page, labels)
        item.update(body=record.body or '',
            documents=_documents(record.documents))
        return item
    item = page.run(read)
    if item is None:
        page.not_found()
    return page.render('news_item.html', title=item['title'], item=item)


@route('/news/feed.atom')
def news_feed(page):
    items = latest_news(page, FEED)
    updated = max((i['date'] for i in items), default=dt.date.today())
    response = page.render('feed.atom', items=items,
        updated=updated.isoformat() + 'T00:00:00Z',
        content_type='application/atom+xml')
    response.headers['Cache-Control'] = 'public, max-age=300'
    return response


@route('/documents/<int:document>/<name>')
def document_file(page, document, name):
    def read(pool):
        Document = pool.get('bhmis.web.document')
        Page = pool.get('bhmis.web.page')
        News = pool.get('bhmis.web.news')
        found = Document.search([('id', '=', document)], limit=1)
        if not found:
            return None
        record, = found
        owner = record.page or record.news
        if owner is None or not (Page if record.page else News).search(
                [('id', '=', owner.id)] + owner.published_domain()):
            return None
        if record.public_name() != name:
            return None
        return bytes(record.data)
    data = page.run(read)
    if data is None:
        page.not_found()
    response = Response(data, content_type='application/pdf')
    response.headers['Content-Disposition'] = 'attachment; filename="%s"' % (
        name)
    response.headers['Cache-Control'] = 'public, max-age=3600'
    return response


@sitemap
def content_addresses(page):
    def read(pool):
        Page = pool.get('bhmis.web.page')
        News = pool.get('bhmis.web.news')
        return (['/pages/%s' % p.slug
                for p in Page.search(Page.published_domain())
                if p.slug != HOME]
            + ['/news/'] + ['/news/%s' % n.slug
                for n in News.search(News.published_domain())])
    return page.run(read)
