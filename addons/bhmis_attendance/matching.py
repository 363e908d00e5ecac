# SPDX-License-Identifier: GPL-3.0-or-later
"""1:N search of face encodings and the decision taken on a distance.

A Gallery holds the encodings of many people (several rows per person when
several photos were enrolled) in one float32 matrix with their squared
norms, so that a query against the whole province is one matrix-vector
product. naive_match is the baseline the benchmark measures it against:
face_recognition's functions over a Python list, as a naive integration
would call them for each request.
"""
import math
import threading
from dataclasses import dataclass
from typing import NamedTuple

import numpy

from .face import ENCODING_SIZE

ACCEPT, REVIEW, REJECT = 'accept', 'review', 'reject'


@dataclass(frozen=True)
class Thresholds:
    """Euclidean distances between encodings: at most accept is the same
    person, above review another one, between the two a person decides."""
    accept: float = 0.45
    review: float = 0.55

    def __post_init__(self):
        for name in ('accept', 'review'):
            value = getattr(self, name)
            if (isinstance(value, bool)
                    or not isinstance(value, (int, float))
                    or not math.isfinite(value)):
                raise ValueError('%s threshold must be a number, not %r'
                    % (name, value))
        if not 0 < self.accept <= self.review < 2:
            raise ValueError('need 0 < accept <= review < 2, not %s and %s'
                % (self.accept, self.review))


def decide(distance, thresholds=Thresholds()):
    "'accept', 'review' or 'reject' for distance (None: nobody to compare)"
    if distance is None or not math.isfinite(distance):
        return REJECT
    if distance <= thresholds.accept:
        return ACCEPT
    if distance <= thresholds.review:
        return REVIEW
    return REJECT


@dataclass(frozen=True)
class Match:
    outcome: str
    key: int | None
    distance: float | None


def _matrix(encodings):
    matrix = numpy.asarray(encodings, dtype=numpy.float32)
    if not matrix.size:
        return matrix.reshape(0, ENCODING_SIZE)
    if matrix.ndim == 1 and matrix.size == ENCODING_SIZE:
        matrix = matrix.reshape(1, ENCODING_SIZE)
    if matrix.ndim != 2 or matrix.shape[1] != ENCODING_SIZE:
        raise ValueError('expected encodings of %s values, not shape %s'
            % (ENCODING_SIZE, matrix.shape))
    if not numpy.isfinite(matrix).all():
        raise ValueError('encodings must be finite')
    return matrix


def _query(query):
    query = numpy.asarray(query, dtype=numpy.float32)
    if query.shape != (ENCODING_SIZE,) or not numpy.isfinite(query).all():
        raise ValueError('expected a finite encoding of %s values, not %s'
            % (ENCODING_SIZE, query.shape))
    return query


def _key_array(keys):
    if isinstance(keys, (set, frozenset)):
        keys = list(keys)
    return numpy.asarray(keys, dtype=numpy.int64).reshape(-1)


class _State(NamedTuple):
    "What one search reads: rows past size may be written meanwhile"
    size: int
    keys: numpy.ndarray
    rows: numpy.ndarray
    norms: numpy.ndarray
    order: numpy.ndarray  # row numbers ordered by key
    ordered: numpy.ndarray  # their keys
    most: int  # the most rows of one key


class Gallery:
    """Face encodings of many people for 1:N search in one vectorised step:
    squared distances |q|^2 + |x|^2 - 2 q.x with the norms precomputed,
    float32.

    Searches may run in several threads while one adds or removes rows:
    each reads a consistent state, and rows are only ever appended to the
    arrays a search may hold (remove builds new ones).
    """

    def __init__(self, keys=(), encodings=None):
        self._lock = threading.Lock()
        self._keys = numpy.empty(0, dtype=numpy.int64)
        self._rows = numpy.empty((0, ENCODING_SIZE), dtype=numpy.float32)
        self._norms = numpy.empty(0, dtype=numpy.float32)
        self._size = 0
        self._state = None
        if encodings is not None:
            self.add(keys, encodings)
        elif len(keys):
            raise ValueError('keys without encodings')

    def __len__(self):
        return self._size

    def __contains__(self, key):
        state = self._current()
        return bool((state.keys[:state.size] == key).any())

    def keys(self):
        "The distinct keys, sorted"
        state = self._current()
        return [int(k) for k in numpy.unique(state.ordered)]

    def add(self, keys, encodings):
        "Append rows; storage grows by doubling, so adding one is cheap"
        keys, matrix = _key_array(keys), _matrix(encodings)
        if len(keys) != len(matrix):
            raise ValueError('%s keys for %s encodings'
                % (len(keys), len(matrix)))
        with self._lock:
            start, end = self._size, self._size + len(keys)
            if end > len(self._keys):
                capacity = max(end, 2 * len(self._keys), 64)
                self._keys = _grown(self._keys, capacity, start)
                self._rows = _grown(self._rows, capacity, start)
                self._norms = _grown(self._norms, capacity, start)
            self._keys[start:end] = keys
            self._rows[start:end] = matrix
            self._norms[start:end] = numpy.einsum('ij,ij->i', matrix,
                matrix)
            self._size = end
            self._state = None

    def remove(self, keys):
        "Drop every row of these keys"
        with self._lock:
            size = self._size
            keep = ~numpy.isin(self._keys[:size], _key_array(keys))
            if keep.all():
                return
            self._keys = self._keys[:size][keep]
            self._rows = self._rows[:size][keep]
            self._norms = self._norms[:size][keep]
            self._size = len(self._keys)
            self._state = None

    def _current(self):
        "The _State to search, its key index built once after a change"
        state = self._state
        if state is not None:
            return state
        with self._lock:
            if self._state is None:
                size = self._size
                order = numpy.argsort(self._keys[:size], kind='stable')
                ordered = self._keys[:size][order]
                bounds = numpy.flatnonzero(numpy.diff(ordered)) + 1
                counts = numpy.diff(numpy.r_[0, bounds, size])
                self._state = _State(size, self._keys, self._rows,
                    self._norms, order, ordered, int(counts.max(initial=1)))
            return self._state

    def search(self, query, keys=None, limit=1):
        """[(key, distance)] of the limit nearest keys, nearest first, the
        distance of a key being that of its nearest row; keys restricts the
        search to these keys."""
        query = _query(query)
        state = self._current()
        size = state.size
        if limit < 1 or not size:
            return []
        # |q|^2 is the same for every row: ranking needs no more
        if keys is None:
            rows = numpy.arange(size)
            squared = state.norms[:size] - 2 * _dot(state.rows[:size], query)
        else:
            rows = _rows_of(state, keys)
            if not len(rows):
                return []
            if len(rows) * 4 > size:
                squared = (state.norms[:size]
                    - 2 * _dot(state.rows[:size], query))[rows]
            else:
                squared = state.norms[rows] - 2 * _dot(state.rows[rows],
                    query)
        # The best row of each of the limit best keys is among the
        # limit × (most rows of a key) best rows
        count = min(len(rows), limit * state.most)
        if count < len(rows):
            candidates = rows[numpy.argpartition(squared, count - 1)[:count]]
        else:
            candidates = rows
        # Exact distances for the few candidates: the expansion loses
        # precision for near-identical encodings
        difference = state.rows[candidates] - query
        distances = numpy.sqrt(numpy.einsum('ij,ij->i', difference,
                difference, dtype=numpy.float64))
        order = numpy.argsort(distances, kind='stable')
        result, seen = [], set()
        for row, distance in zip(candidates[order], distances[order]):
            key = int(state.keys[row])
            if key not in seen:
                seen.add(key)
                result.append((key, float(distance)))
                if len(result) == limit:
                    break
        return result

    def match(self, query, thresholds=Thresholds(), keys=None):
        "The Match of the nearest key (key None when nobody to compare)"
        found = self.search(query, keys=keys, limit=1)
        if not found:
            return Match(REJECT, None, None)
        key, distance = found[0]
        return Match(decide(distance, thresholds), key, distance)


def _dot(matrix, vector):
    # numpy's own loop, not BLAS: OpenBLAS spreads one matrix-vector product
    # over its threads, which on a busy 2-core server takes 8 ms for 50,000
    # rows where one core takes 3
    return numpy.einsum('ij,j->i', matrix, vector)


def _rows_of(state, keys):
    """The row numbers of these keys: by binary search in the key index for
    a facility's roster, by one pass over every row for a long list"""
    keys = _key_array(keys)
    if len(keys) > 64:
        return numpy.flatnonzero(numpy.isin(state.keys[:state.size], keys))
    keys = numpy.unique(keys)
    low = numpy.searchsorted(state.ordered, keys, 'left')
    lengths = numpy.searchsorted(state.ordered, keys, 'right') - low
    starts = numpy.repeat(low - (numpy.cumsum(lengths) - lengths), lengths)
    return state.order[starts + numpy.arange(int(lengths.sum()))]


def _grown(array, capacity, used):
    grown = numpy.empty((capacity,) + array.shape[1:], dtype=array.dtype)
    grown[:used] = array[:used]
    return grown


def naive_match(known_encodings, known_keys, query, tolerance=0.6):
    """(key, distance) of the nearest known encoding, key None when farther
    than tolerance: face_recognition's tutorial way, its compare_faces and
    face_distance over a Python list on every request."""
    import face_recognition
    if not len(known_encodings):
        return None, None
    matches = face_recognition.compare_faces(known_encodings, query,
        tolerance)
    distances = face_recognition.face_distance(known_encodings, query)
    best = int(numpy.argmin(distances))
    key = known_keys[best] if matches[best] else None
    return key, float(distances[best])
