# SPDX-License-Identifier: GPL-3.0-or-later
"""Blink detection on a burst of frames, the liveness check of face
check-in.

The eye aspect ratio (EAR) of Soukupová and Čech (2016) falls when the
eyelids close. Its open-eye level differs between people and expressions
(a smiling face measures about 0.18 with the eyes open, where the usual
fixed rule calls 0.2 closed), so a blink is judged against the person's own
open level, taken from their own frames. A still photo held to the camera
never blinks; a replayed video of a blinking person does: see
doc/face.rst for what this check can and cannot tell.
"""
import math

import numpy

# The open-eye level is a high percentile of the burst's EARs rather than
# its maximum: one landmark glitch must not set it, and a blink seldom
# covers more than a quarter of the frames.
OPEN_PERCENTILE = 75


def eye_aspect_ratio(eye):
    """(|p2-p6| + |p3-p5|) / (2 |p1-p4|) of the 6 (x, y) points of an eye,
    p1 and p4 being its corners (dlib's 68-point order)."""
    p = numpy.asarray(eye, dtype=float).reshape(6, 2)
    width = numpy.linalg.norm(p[0] - p[3])
    if not width > 0:
        raise ValueError('degenerate eye: its corners coincide')
    return float((numpy.linalg.norm(p[1] - p[5])
            + numpy.linalg.norm(p[2] - p[4])) / (2 * width))


def face_ear(landmarks):
    "The mean EAR of both eyes of a face_recognition.face_landmarks dict"
    return (eye_aspect_ratio(landmarks['left_eye'])
        + eye_aspect_ratio(landmarks['right_eye'])) / 2


def face_pitch(landmarks):
    """The face's vertical proportion: the distance from the eye line to
    the top of the nose tip over the distance between the eyes.

    Tilting a face (or a photo of one) forwards or backwards shortens every
    vertical distance, the eyelids' too, and so lowers the EAR as a blink
    does; this proportion falls with it, whereas a blink leaves it alone.
    Eye corners do not move when the lids close, so they anchor the eyes.
    """
    left = numpy.asarray(landmarks['left_eye'], dtype=float)
    right = numpy.asarray(landmarks['right_eye'], dtype=float)
    left_mid = (left[0] + left[3]) / 2
    right_mid = (right[0] + right[3]) / 2
    across = right_mid - left_mid
    width = numpy.linalg.norm(across)
    if not width > 0:
        raise ValueError('degenerate face: both eyes at one point')
    tip = numpy.asarray(landmarks['nose_bridge'], dtype=float)[-1]
    # The distance to the eye line, not to the eyes' midpoint, so that
    # rolling the head sideways changes nothing
    offset = tip - left_mid
    down = abs(across[0] * offset[1] - across[1] * offset[0]) / width
    return float(down / width)


def pitch_corrected(ears, pitches):
    """The EARs with the effect of tilting the head (or the photo) taken
    out: each divided by its frame's pitch relative to the burst's median
    pitch. None where either is None."""
    known = [p for p in pitches if _usable(p)]
    if not known:
        return [None] * len(ears)
    reference = float(numpy.median(known))
    return [e * reference / p if _usable(e) and _usable(p) else None
        for e, p in zip(ears, pitches)]


def _usable(value):
    return value is not None and math.isfinite(value) and value > 0


def blink_detected(ears, closed_ratio=0.75, reopen_ratio=0.9,
        min_frames=3):
    """Whether the eyes were open, then closed, then open again.

    ears: the EAR of each frame in order, None where no face was measured
    (ignored). Open means at least reopen_ratio of the person's open level,
    closed below closed_ratio of it. Fewer than min_frames usable values
    cannot show a blink.
    """
    if not 0 < closed_ratio < reopen_ratio <= 1:
        raise ValueError('need 0 < closed_ratio < reopen_ratio <= 1')
    values = [float(e) for e in ears if _usable(e)]
    if len(values) < max(min_frames, 3):
        return False
    open_level = float(numpy.percentile(values, OPEN_PERCENTILE))
    closed, reopened = open_level * closed_ratio, open_level * reopen_ratio
    state = 'start'
    for value in values:
        if state == 'start' and value >= reopened:
            state = 'open'
        elif state == 'open' and value < closed:
            state = 'closed'
        elif state == 'closed' and value >= reopened:
            return True
    return False
