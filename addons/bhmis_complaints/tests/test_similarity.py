# SPDX-License-Identifier: GPL-3.0-or-later
"""The likeness of two descriptions, for suggesting duplicates."""
from bhmis_complaints.similarity import THRESHOLD, alike, similarity, words


def test_words_fold_case_and_drop_common_words():
    assert words("The DOCTOR was not in the ward, the doctor!") == {
        'doctor', 'ward'}
    assert words("ڈاکٹر صاحب ہسپتال میں نہیں تھے") == {
        'ڈاکٹر', 'صاحب', 'ہسپتال'}
    assert words("") == set()
    assert words(None) == set()
    # Digits count, even alone; a lone letter does not
    assert words("room 7 a b") == {'room', '7'}


def test_similarity_is_jaccard_of_words():
    assert similarity("no paracetamol at the dispensary",
        "No Paracetamol at the dispensary.") == 1.0
    assert similarity("no paracetamol", "doctor absent") == 0.0
    # {paracetamol, dispensary} of {no-stop words of both}
    assert similarity("paracetamol dispensary week",
        "paracetamol dispensary month") == 2 / 4
    assert similarity("", "anything") == 0.0
    assert similarity("the of and", "the of and") == 0.0, \
        "common words alone are not a likeness"


def test_similarity_symmetric_and_bounded():
    texts = ["X-ray machine broken for a week",
        "the x-ray machine is broken",
        "ایکسرے مشین خراب ہے", "ایکسرے مشین ایک ہفتے سے خراب ہے", ""]
    for a in texts:
        for b in texts:
            assert similarity(a, b) == similarity(b, a)
            assert 0.0 <= similarity(a, b) <= 1.0


def test_alike_threshold():
    assert alike("X-ray machine broken for a week",
        "the x-ray machine is broken")
    assert alike("ایکسرے مشین خراب ہے", "ایکسرے مشین ایک ہفتے سے خراب ہے")
    assert not alike("X-ray machine broken", "Staff rude at the counter")
    assert 0 < THRESHOLD < 1
