# SPDX-License-Identifier: GPL-3.0-or-later
"""1:N search and decisions, on synthetic encodings spread like dlib's
(128 values, norms about 1.4)."""
import math

import face_recognition
import numpy
import pytest

from bhmis_attendance.matching import (
    Gallery,
    Match,
    Thresholds,
    decide,
    naive_match,
)


def people(count, seed=0):
    rng = numpy.random.default_rng(seed)
    return rng.normal(0, 0.125, size=(count, 128)).astype(numpy.float32)


def near(encoding, distance, seed=1):
    "An encoding at exactly distance from encoding"
    rng = numpy.random.default_rng(seed)
    direction = rng.normal(size=128)
    direction /= numpy.linalg.norm(direction)
    return (encoding + direction * distance).astype(numpy.float32)


@pytest.fixture(scope='module')
def province():
    "50,000 rows, keys 100,000 and up"
    rows = people(50000)
    return Gallery(numpy.arange(100000, 150000), rows), rows


def test_nearest_among_50000(province):
    gallery, rows = province
    assert len(gallery) == 50000
    query = near(rows[12345], 0.3)
    assert gallery.search(query) == [
        (112345, pytest.approx(0.3, abs=1e-4))]
    found = gallery.search(query, limit=5)
    expected = face_recognition.face_distance(rows, query)
    best = numpy.argsort(expected)[:5]
    assert [key for key, _ in found] == [100000 + int(i) for i in best]
    assert [d for _, d in found] == pytest.approx(
        [float(expected[i]) for i in best], abs=1e-4)


def test_same_as_face_distance(province):
    "The vectorised distances are face_recognition's, to 1e-4"
    gallery, rows = province
    for seed in range(5):
        query = people(1, seed=100 + seed)[0]
        expected = face_recognition.face_distance(rows, query)
        found = gallery.search(query, limit=50)
        assert [d for _, d in found] == pytest.approx(
            numpy.sort(expected)[:50].tolist(), abs=1e-4)
    # an encoding against itself: exactly 0, no cancellation error
    assert gallery.search(rows[7])[0] == (100007, 0.0)


def test_several_rows_per_key():
    base = people(3, seed=5)
    query = base[0]
    gallery = Gallery([1, 2, 1, 2], [near(query, 0.9), near(query, 0.5),
            near(query, 0.2, seed=2), near(query, 0.6, seed=3)])
    found = gallery.search(query, limit=5)
    assert [key for key, _ in found] == [1, 2]
    assert [d for _, d in found] == pytest.approx([0.2, 0.5], abs=1e-5)


def test_subset(province):
    gallery, rows = province
    query = near(rows[42], 0.1)
    roster = [100000 + i for i in range(0, 50000, 97)]
    assert 100042 not in roster
    found = gallery.search(query, keys=roster, limit=3)
    distances = numpy.linalg.norm(rows[::97] - query, axis=1)
    best = numpy.argsort(distances)[:3]
    assert [key for key, _ in found] == [roster[i] for i in best]
    # a facility's roster (the binary search path), given twice over
    found = gallery.search(query, keys=roster[:40] * 2, limit=3)
    best = numpy.argsort(distances[:40])[:3]
    assert [key for key, _ in found] == [roster[i] for i in best]
    # keys unknown to the gallery are no harm; none known: nothing found
    assert gallery.search(query, keys={100042, 7})[0][0] == 100042
    assert gallery.search(query, keys=[1, 2, 3]) == []
    assert gallery.search(query, keys=[]) == []
    # a large subset takes the other path and agrees
    half = numpy.arange(100000, 125000)
    found = gallery.search(query, keys=half, limit=3)
    best = numpy.argsort(numpy.linalg.norm(rows[:25000] - query, axis=1))
    assert [key for key, _ in found] == [100000 + int(i) for i in best[:3]]


def test_add_and_remove():
    rows = people(1000, seed=3)
    assert len(Gallery([], [])) == 0
    assert len(Gallery([], numpy.zeros((0, 128)))) == 0
    gallery = Gallery()
    assert len(gallery) == 0 and gallery.search(rows[0]) == []
    assert gallery.match(rows[0]) == Match('reject', None, None)
    for i, row in enumerate(rows):
        gallery.add([i % 400], [row])  # 400 people, 2 or 3 rows each
    assert len(gallery) == 1000 and len(gallery.keys()) == 400
    assert gallery.search(rows[401])[0] == (1, 0.0)
    gallery.remove([1, 2, 9999])
    assert len(gallery) == 1000 - 3 - 3 and 1 not in gallery
    assert gallery.keys() == [0] + list(range(3, 400))
    key, distance = gallery.search(rows[401])[0]
    assert key != 1 and distance > 0.5
    assert gallery.search(rows[3])[0] == (3, 0.0)
    gallery.add(numpy.array([1]), rows[401])
    assert gallery.search(rows[401])[0] == (1, 0.0)
    assert gallery.search(rows[5], keys=[1, 5]) == [(5, 0.0)]


def test_bad_input():
    with pytest.raises(ValueError):
        Gallery([1, 2], people(3))
    with pytest.raises(ValueError):
        Gallery([1], numpy.zeros((1, 64)))
    with pytest.raises(ValueError):
        Gallery([1], [[math.nan] * 128])
    with pytest.raises(ValueError):
        Gallery([1, 2])
    with pytest.raises(ValueError):
        Gallery([1], people(1)).search(numpy.zeros(127))


def test_match(province):
    gallery, rows = province
    assert gallery.match(near(rows[3], 0.3)) == Match(
        'accept', 100003, pytest.approx(0.3, abs=1e-4))
    assert gallery.match(near(rows[3], 0.5)).outcome == 'review'
    strict = Thresholds(accept=0.2, review=0.25)
    assert gallery.match(near(rows[3], 0.3), strict).outcome == 'reject'
    assert gallery.match(rows[3], keys=[100004]).key == 100004


def test_decide():
    t = Thresholds()
    assert (t.accept, t.review) == (0.45, 0.55)
    assert decide(0.0) == 'accept'
    assert decide(0.45) == 'accept'
    assert decide(0.45 + 1e-9) == 'review'
    assert decide(0.5) == 'review'
    assert decide(0.55) == 'review'
    assert decide(0.55 + 1e-9) == 'reject'
    assert decide(1.2) == 'reject'
    assert decide(None) == 'reject'
    assert decide(math.nan) == 'reject'
    assert decide(0.5, Thresholds(0.5, 0.5)) == 'accept'
    assert decide(0.5, Thresholds(0.3, 0.4)) == 'reject'


@pytest.mark.parametrize('accept, review', [
        (0.6, 0.5), (0, 0.5), (-0.1, 0.5), (0.5, 2), (0.5, 2.5),
        (math.nan, 0.5), (0.4, math.inf), ('0.4', 0.5), (None, 0.5),
        ])
def test_thresholds_validated(accept, review):
    with pytest.raises(ValueError):
        Thresholds(accept, review)


def test_naive_match_agrees(province):
    gallery, rows = province
    sample = rows[:2000]
    known, keys = list(sample), list(range(100000, 102000))
    small = Gallery(keys, sample)
    for i in (0, 777, 1999):
        query = near(sample[i], 0.35, seed=i)
        key, distance = naive_match(known, keys, query, 0.45)
        assert key == 100000 + i
        assert small.search(query)[0] == (key, pytest.approx(distance,
                abs=1e-4))
    key, distance = naive_match(known, keys, near(sample[5], 0.6), 0.45)
    assert key is None and distance == pytest.approx(0.6, abs=1e-4)
    assert naive_match([], [], sample[0], 0.45) == (None, None)
