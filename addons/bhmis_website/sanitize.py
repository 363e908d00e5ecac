# SPDX-License-Identifier: GPL-3.0-or-later
"""The HTML editors may write in content bodies, cleaned when a record is
saved (not when it is shown): headings, paragraphs, lists, tables, links,
emphasis and images from this site.  Scripts, styles, event handlers,
frames, forms and javascript: addresses are removed; links to other sites
get rel="noopener noreferrer nofollow"."""
import re

import nh3

TAGS = {'p', 'br', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'strong', 'b', 'em',
    'i', 'u', 'a', 'blockquote', 'table', 'thead', 'tbody', 'tr', 'th',
    'td', 'img', 'hr', 'span', 'div', 'abbr', 'small', 'sub', 'sup'}
ATTRIBUTES = {
    'a': {'href', 'title', 'lang', 'dir'},
    'img': {'src', 'alt', 'width', 'height'},
    'th': {'scope', 'colspan', 'rowspan'},
    'td': {'colspan', 'rowspan'},
    'abbr': {'title'},
    '*': {'lang', 'dir'},
    }
SCHEMES = {'http', 'https', 'mailto', 'tel'}
# Images only from this site (the CSP refuses others anyway)
_IMG_ELSEWHERE = re.compile(r'<img\b[^>]*\bsrc="(?!/)[^"]*"[^>]*>', re.I)


def clean(html):
    "The safe subset of html (None stays None)"
    if html is None:
        return None
    attributes = {tag: set(names) | ATTRIBUTES['*']
        for tag, names in ATTRIBUTES.items() if tag != '*'}
    for tag in TAGS:
        attributes.setdefault(tag, set(ATTRIBUTES['*']))
    cleaned = nh3.clean(html, tags=TAGS, attributes=attributes,
        url_schemes=SCHEMES, link_rel='noopener noreferrer nofollow',
        strip_comments=True,
        clean_content_tags={'script', 'style', 'iframe', 'object',
            'embed', 'noscript', 'template', 'textarea', 'select'})
    return _IMG_ELSEWHERE.sub('', cleaned).strip()


def text(html, limit=None):
    "The words of html without tags (for summaries and feeds)"
    words = ' '.join(nh3.clean((html or '').replace('<', ' <'),
        tags=set()).split())
    for entity, char in (('&amp;', '&'), ('&lt;', '<'), ('&gt;', '>'),
            ('&quot;', '"'), ('&#39;', "'"), ('&nbsp;', ' ')):
        words = words.replace(entity, char)
    if limit and len(words) > limit:
        words = words[:limit].rsplit(' ', 1)[0] + '…'
    return words
