# SPDX-License-Identifier: GPL-3.0-or-later
"""Blink detection on synthetic eye aspect ratios and landmarks."""
import math

import numpy
import pytest

from bhmis_attendance.liveness import (
    blink_detected,
    eye_aspect_ratio,
    face_ear,
    face_pitch,
    pitch_corrected,
)


def eye(centre_x, centre_y, opening):
    "An eye 30 px wide, its lids opening px apart, in dlib's point order"
    x, y, h = centre_x, centre_y, opening / 2
    return [(x - 15, y), (x - 5, y - h), (x + 5, y - h), (x + 15, y),
        (x + 5, y + h), (x - 5, y + h)]


def landmarks(opening=9.0, squash=1.0, angle=0.0):
    """A face's eyes and nose; squash shrinks it vertically as tilting it
    forwards does, angle turns it in the picture (degrees)"""
    points = {
        'left_eye': eye(30, 40, opening),
        'right_eye': eye(80, 40, opening),
        'nose_bridge': [(55, 42), (55, 50), (55, 58), (55, 66)],
        }
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return {name: [(x * cos - y * squash * sin, x * sin + y * squash * cos)
            for x, y in value] for name, value in points.items()}


def fixed_rule(ears, closed=0.2):
    "The usual rule: eyes closed below a fixed EAR of 0.2"
    state = 'start'
    for value in ears:
        if state == 'start' and value >= closed:
            state = 'open'
        elif state == 'open' and value < closed:
            state = 'closed'
        elif state == 'closed' and value >= closed:
            return True
    return False


def test_eye_aspect_ratio():
    # lids 9 px apart on an eye 30 px wide: (9 + 9) / (2 × 30)
    assert eye_aspect_ratio(eye(0, 0, 9)) == pytest.approx(0.3)
    assert eye_aspect_ratio(eye(0, 0, 0)) == 0.0
    assert eye_aspect_ratio(numpy.array(eye(100, 50, 3))) == \
        pytest.approx(0.1)
    with pytest.raises(ValueError):
        eye_aspect_ratio([(1, 1)] * 6)
    face = {'left_eye': eye(0, 0, 9), 'right_eye': eye(50, 0, 6)}
    assert face_ear(face) == pytest.approx(0.25)


def test_blink():
    assert blink_detected([0.30, 0.31, 0.29, 0.12, 0.08, 0.15, 0.28, 0.30])
    # a blink seen in one frame
    assert blink_detected([0.30, 0.05, 0.30])
    # closed more often than open still shows the open level
    assert blink_detected([0.30, 0.10, 0.09, 0.10, 0.11, 0.30])


def test_photo_is_not_a_blink():
    assert not blink_detected([0.31] * 8)
    assert not blink_detected([0.0] * 8)


def test_drift_is_not_a_blink():
    "Eyes narrowing slowly and staying so (a squint, a smile coming)"
    assert not blink_detected(numpy.linspace(0.32, 0.12, 8).tolist())
    assert not blink_detected(numpy.linspace(0.12, 0.32, 8).tolist())
    # closed at the start, then open: no open-closed-open
    assert not blink_detected([0.10, 0.10, 0.30, 0.31, 0.30])


def test_smiling_person():
    """Open at 0.18, a blink to 0.08: the person's own open level sees it,
    a fixed 0.2 rule calls the eyes closed throughout"""
    ears = [0.18, 0.185, 0.175, 0.12, 0.08, 0.11, 0.18, 0.182]
    assert blink_detected(ears)
    assert not fixed_rule(ears)
    # and the fixed rule does see a blink on wider eyes
    assert fixed_rule([0.30, 0.10, 0.30])


def test_noise_is_not_a_blink():
    rng = numpy.random.default_rng(7)
    for _ in range(200):
        ears = 0.3 * rng.uniform(0.97, 1.03, size=8)
        assert not blink_detected(ears.tolist())
    assert not blink_detected([0.309, 0.291] * 4)


def test_missing_frames():
    assert blink_detected([None, 0.3, None, 0.1, None, 0.3, None])
    assert blink_detected([0.3, math.nan, 0.1, None, 0.3])
    assert not blink_detected([None, 0.3, None, 0.1, None])
    assert not blink_detected([None] * 8)
    assert not blink_detected([])


def test_too_few_frames():
    assert not blink_detected([0.3, 0.1])
    assert not blink_detected([0.3, 0.1, 0.3], min_frames=4)
    assert blink_detected([0.3, 0.1, 0.3], min_frames=3)


def test_ratios_validated():
    with pytest.raises(ValueError):
        blink_detected([0.3, 0.1, 0.3], closed_ratio=0.9, reopen_ratio=0.8)
    with pytest.raises(ValueError):
        blink_detected([0.3, 0.1, 0.3], reopen_ratio=1.5)


def test_pitch():
    face = landmarks()
    # nose tip 26 px below the eye line, eyes 50 px apart
    assert face_pitch(face) == pytest.approx(26 / 50)
    assert face_pitch(landmarks(angle=25)) == pytest.approx(26 / 50)
    assert face_pitch(landmarks(opening=1)) == pytest.approx(26 / 50)
    assert face_pitch(landmarks(squash=0.6)) == pytest.approx(0.6 * 26 / 50)


def test_tilted_photo_is_not_a_blink():
    """Tilting a photo shortens the lids' distance as a blink does; the
    face's own proportion shortens with it, and the correction sees it"""
    faces = [landmarks(squash=s) for s in (1, 1, 0.6, 0.6, 1, 1)]
    ears = [face_ear(f) for f in faces]
    pitches = [face_pitch(f) for f in faces]
    assert blink_detected(ears)
    corrected = pitch_corrected(ears, pitches)
    assert corrected == pytest.approx([0.3] * 6)
    assert not blink_detected(corrected)


def test_real_blink_survives_the_correction():
    faces = [landmarks(opening=o) for o in (9, 9, 2, 1, 8.5, 9)]
    # nodding a little at the same time changes nothing
    faces[3] = landmarks(opening=1, squash=0.9)
    ears = [face_ear(f) for f in faces]
    pitches = [face_pitch(f) for f in faces]
    corrected = pitch_corrected(ears, pitches)
    assert blink_detected(corrected)
    assert pitch_corrected([0.3, None], [None, 0.5]) == [None, None]
    assert pitch_corrected([0.3], [None]) == [None]
