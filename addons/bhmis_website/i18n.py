# SPDX-License-Identifier: GPL-3.0-or-later
"""Translations of the public pages' own words.

Templates and routes write English, `_('Find a facility')`; Urdu comes
from the gettext catalogues in catalog/*.po (msgid English, msgstr Urdu),
all merged, so each area of the site keeps its own file (site.po,
content.po, complaints.po, finder.po, ...).  Content edited in the back
office is translated by Tryton's translatable fields instead."""
import threading
from pathlib import Path

import polib

CATALOG = Path(__file__).resolve().parent / 'catalog'
_lock = threading.Lock()
_catalogs = {}


def load(folder=CATALOG):
    "{msgid: msgstr} of every catalogue in folder (later files win)"
    messages = {}
    for path in sorted(Path(folder).glob('*.po')):
        for entry in polib.pofile(str(path)):
            if entry.msgstr and not entry.obsolete and (
                    'fuzzy' not in entry.flags):
                messages[entry.msgid] = entry.msgstr
    return messages


def catalog(folder=CATALOG):
    with _lock:
        if folder not in _catalogs:
            _catalogs[folder] = load(folder)
        return _catalogs[folder]


def translate(language, text, folder=CATALOG, **params):
    """text in language (English as written, Urdu from the catalogue,
    English when a string has no translation yet), with %(name)s params"""
    if language == 'ur':
        text = catalog(folder).get(text, text)
    return text % params if params else text


def translator(language, folder=CATALOG):
    "The `_` function of templates rendered in language"
    def gettext(text, **params):
        return translate(language, text, folder, **params)
    return gettext
