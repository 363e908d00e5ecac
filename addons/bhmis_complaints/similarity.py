# SPDX-License-Identifier: GPL-3.0-or-later
"""How alike two complaints' descriptions are, for suggesting duplicates:
the Jaccard index of their words (Urdu or English, any case, without the
most common English and Urdu words), from 0 (nothing shared) to 1."""
import re
import unicodedata

# Words and numbers of any script; an Urdu word's joiners are kept
WORD = re.compile(r'[\w\u200c\u200d]+')
# Two descriptions at least this alike are suggested as duplicates
THRESHOLD = 0.3
STOP_WORDS = frozenset("""
a an and are as at be been but by for from had has have he her his i in is
it its me my no not of on or our she so that the their them there they this
to was we were what when who will with you your
اور ایک بھی پر تھا تھی تھے جو سے سکا کا کر کہ کی کے کو گیا گئی ہم ہو ہوں
ہی ہیں ہے میں نہ نہیں وہ یہ
""".split())


def words(text):
    "The set of meaningful words of text, case- and form-folded"
    text = unicodedata.normalize('NFKC', text or '').casefold()
    return {w for w in WORD.findall(text)
        if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())}


def similarity(first, second):
    "The Jaccard index of the words of two texts; 0 when either is empty"
    a, b = words(first), words(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def alike(first, second, threshold=THRESHOLD):
    return similarity(first, second) >= threshold
