# SPDX-License-Identifier: GPL-3.0-or-later
"""The public site's languages: Urdu (right to left, the default) and
English, chosen from the browser's Accept-Language for `/`."""

LANGUAGES = ('ur', 'en')
DEFAULT = 'ur'
DIRECTION = {'ur': 'rtl', 'en': 'ltr'}
NAMES = {'ur': 'اردو', 'en': 'English'}


def choose(accept_language):
    """The language of a visitor whose browser sends accept_language (the
    header's value): English only when the browser prefers it to Urdu"""
    best = {}
    for position, item in enumerate((accept_language or '').split(',')):
        tag, _, params = item.strip().partition(';')
        primary = tag.strip().lower().split('-')[0]
        if primary not in LANGUAGES and primary != '*':
            continue
        quality = 1.0
        for param in params.split(';'):
            name, _, value = param.strip().partition('=')
            if name.strip() == 'q':
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if primary == '*':
            continue
        key = (quality, -position)
        if quality > 0 and key > best.get(primary, (0, 0)):
            best[primary] = key
    if not best:
        return DEFAULT
    return max(best, key=lambda lang: (best[lang], lang == DEFAULT))


def direction(language):
    return DIRECTION.get(language, 'rtl')
