# SPDX-License-Identifier: GPL-3.0-or-later
"""The face engine of attendance (bhmis_attendance.face, .matching), in
process, without a database (backend '-'):

- 1:N match of one query against 50,000 encodings, Gallery.match against
  naive_match (face_recognition over a Python list), and a facility roster
  searched within them;
- one 1080p frame decoded, detected and encoded at 640 px against at full
  resolution;
- a burst of 8 frames with the blink check against the naive way (every
  frame at full size, upsampled, encoded and landmarked);
- calibration: distances between photos of the same face and of different
  faces, and the false accept and reject rates of the thresholds.

`python -m benchmarks.face` runs it alone and prints the calibration table.
"""
import io
import itertools
import time

import cv2
import numpy
from PIL import Image

from bhmis_attendance import face
from bhmis_attendance.matching import Gallery, Thresholds, naive_match

from . import Row, StepError, percentile

NAME = 'face'
BACKEND = '-'
GALLERY_ROWS = 50_000
ROSTER = 40
QUERIES = 200
WARMUP = 5
FRAME_RUNS = 7
BURST_RUNS = 3
LFW_FACES = 100
THRESHOLDS = (0.35, 0.40, 0.45, 0.50, 0.55, 0.60)
_done = set()


def run(workspace, backend, log, **kwargs):
    # No database: one run serves every backend
    if id(workspace) in _done:
        return []
    _done.add(id(workspace))
    return measure(log)


def measure(log):
    rows = match_rows(log) + frame_rows(log) + burst_rows(log)
    return rows + calibration_rows(log)


def jpeg(image, quality=90):
    out = io.BytesIO()
    Image.fromarray(image).save(out, 'JPEG', quality=quality)
    return out.getvalue()


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, (time.perf_counter() - start) * 1000


def match_rows(log):
    log('1:N match against %s encodings, %s queries each way'
        % (GALLERY_ROWS, QUERIES))
    rng = numpy.random.default_rng(20261126)
    rows = rng.normal(0, 0.125, (GALLERY_ROWS, 128)).astype(numpy.float32)
    keys = list(range(1, GALLERY_ROWS + 1))
    gallery, known = Gallery(keys, rows), list(rows)
    roster = sorted(rng.choice(keys, ROSTER, replace=False).tolist())
    roster_set = set(roster)
    thresholds = Thresholds()
    times = {'gallery': [], 'naive': [], 'roster': [], 'naive roster': []}
    for n in range(QUERIES + WARMUP):
        target = int(rng.choice(roster if n % 2 else keys))
        query = rows[target - 1] + rng.normal(0, 0.025, 128).astype(
            numpy.float32)
        match, ms = timed(gallery.match, query, thresholds)
        (key, _), naive_ms = timed(naive_match, known, keys, query,
            thresholds.accept)
        found, roster_ms = timed(gallery.search, query, roster)

        def naive_roster():
            pairs = [(e, k) for e, k in zip(known, keys) if k in roster_set]
            return naive_match([e for e, _ in pairs], [k for _, k in pairs],
                query, thresholds.accept)
        (roster_key, distance), naive_roster_ms = timed(naive_roster)
        if match.key != target or key != target:
            raise StepError('the gallery and the naive match disagree')
        # naive_match names no key beyond its tolerance: compare distances
        if (abs(found[0][1] - distance) > 1e-4
                or roster_key not in (None, found[0][0])):
            raise StepError('the two roster searches disagree')
        if n >= WARMUP:
            for name, value in zip(times, (ms, naive_ms, roster_ms,
                        naive_roster_ms)):
                times[name].append(value)
    return [
        Row(NAME, BACKEND, '1:N match among %s encodings, `Gallery.match`:'
            ' p50 of %s' % (GALLERY_ROWS, QUERIES),
            percentile(times['gallery'], 50), 'ms',
            '`naive_match` (face_recognition over a list): p50 of %s'
            % QUERIES, percentile(times['naive'], 50)),
        Row(NAME, BACKEND, 'roster of %s searched among %s, `Gallery.search'
            '(keys=)`: p50 of %s' % (ROSTER, GALLERY_ROWS, QUERIES),
            percentile(times['roster'], 50), 'ms',
            'roster filtered from the list, then `naive_match`',
            percentile(times['naive roster'], 50)),
        ]


def frame_1080p():
    "A 1920 × 1080 frame: the astronaut photo upscaled, its top cropped"
    from skimage import data
    big = cv2.resize(data.astronaut(), (1920, 1920),
        interpolation=cv2.INTER_CUBIC)
    return jpeg(big[:1080])


def frame_rows(log):
    log('one 1080p frame at 640 px and at full size, %s runs each'
        % FRAME_RUNS)
    frame = frame_1080p()
    ways = {'bounded': face.FaceSettings(),
        'full': face.FaceSettings(max_width=1920)}
    times = {name: [] for name in ways}
    detect_times = {name: [] for name in ways}
    encodings = {}
    for n in range(FRAME_RUNS + 1):
        for name, settings in ways.items():
            sample, ms = timed(lambda: face.analyse(
                    face.decode(frame, settings), settings))
            _, detect_ms = timed(face.detect, sample.image, settings)
            encodings[name] = sample.encoding
            if n:
                times[name].append(ms)
                detect_times[name].append(detect_ms)
    distance = numpy.linalg.norm(encodings['bounded'] - encodings['full'])
    log('640 px and 1080p encodings %.3f apart' % distance)
    if distance > Thresholds().accept:
        raise StepError('the 640 px and 1080p encodings differ')
    return [
        Row(NAME, BACKEND, 'one 1080p frame decoded, detected and encoded '
            'at 640 px: p50 of %s' % FRAME_RUNS,
            percentile(times['bounded'], 50), 'ms',
            'the same at full resolution', percentile(times['full'], 50)),
        Row(NAME, BACKEND, 'face detection alone at 640 px: p50 of %s'
            % FRAME_RUNS, percentile(detect_times['bounded'], 50), 'ms',
            'at full resolution (1920 × 1080)',
            percentile(detect_times['full'], 50)),
        ]


def burst_frames():
    "8 webcam-like 640 × 480 frames of the astronaut, light varying"
    from skimage import data
    photo = data.astronaut()[:320, 26:486]  # her face, not her badge
    frames = []
    for n in range(8):
        canvas = numpy.full((480, 640, 3), 128, numpy.uint8)
        canvas[80:400, 90:550] = numpy.clip(photo * (0.9 + n * 0.03), 0,
            255).astype(numpy.uint8)
        frames.append(jpeg(canvas, 85))
    return frames


def naive_burst(frames):
    import face_recognition
    results = []
    for frame in frames:
        image = face_recognition.load_image_file(io.BytesIO(frame))
        locations = face_recognition.face_locations(image)
        results.append((face_recognition.face_encodings(image, locations),
                face_recognition.face_landmarks(image, locations)))
    return results


def burst_rows(log):
    log('a burst of 8 frames with the blink check, %s runs each way'
        % BURST_RUNS)
    frames = burst_frames()
    times = {'burst': [], 'naive': []}
    for n in range(BURST_RUNS + 1):
        burst, ms = timed(face.analyse_burst, frames)
        _, naive_ms = timed(naive_burst, frames)
        if burst.live is not False:
            raise StepError('a still photo passed the blink check')
        if n:
            times['burst'].append(ms)
            times['naive'].append(naive_ms)
    return [Row(NAME, BACKEND, 'burst of 8 frames (640 × 480) with the '
            'blink check, `analyse_burst`: p50 of %s' % BURST_RUNS,
            percentile(times['burst'], 50), 'ms',
            'naive: every frame upsampled, encoded and landmarked',
            percentile(times['naive'], 50))]


def rotated(image, degrees):
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1)
    return cv2.warpAffine(image, matrix, (width, height),
        borderMode=cv2.BORDER_REFLECT)


def variants(image, rng):
    """Captures of one photo in other conditions: (name, RGB image, JPEG
    quality)"""
    def scaled(factor):
        return numpy.clip(image * factor, 0, 255).astype(numpy.uint8)

    def gamma(value):
        return (255 * (image / 255) ** value).astype(numpy.uint8)

    def noisy(sigma):
        return numpy.clip(image + rng.normal(0, sigma, image.shape), 0,
            255).astype(numpy.uint8)
    height, width = image.shape[:2]
    out = [('original', image), ('mirror', image[:, ::-1]),
        ('crop', image[height // 20:height * 4 // 5,
                width // 8:width * 7 // 8]),
        ('dark 0.6', scaled(0.6)), ('dark 0.8', scaled(0.8)),
        ('bright 1.2', scaled(1.2)), ('bright 1.35', scaled(1.35)),
        ('gamma 0.8', gamma(0.8)), ('gamma 1.25', gamma(1.25)),
        ('noise 5', noisy(5)), ('noise 10', noisy(10)),
        ('blur 1', cv2.GaussianBlur(image, (0, 0), 1)),
        ('blur 1.5', cv2.GaussianBlur(image, (0, 0), 1.5)),
        ('shrunk 0.8', cv2.resize(image, None, fx=0.8, fy=0.8,
                interpolation=cv2.INTER_AREA)),
        ('enlarged 1.25', cv2.resize(image, None, fx=1.25, fy=1.25)),
        ] + [('rotated %s°' % d, rotated(image, d)) for d in (-8, -4, 4, 8)]
    return [(name, numpy.ascontiguousarray(variant), 92)
        for name, variant in out] + [('JPEG %s' % quality, image, quality)
        for quality in (20, 40, 70)]


def encodings_of(image, rng, settings, log, label):
    "The encodings of the variants of image that pass settings' gate"
    found, failed = [], []
    for name, variant, quality in variants(image, rng):
        try:
            found.append(face.analyse(face.decode(jpeg(variant, quality),
                        settings), settings).encoding)
        except face.FaceError as error:
            failed.append('%s (%s)' % (name, error.code))
    log('%s: %s variants encoded%s' % (label, len(found),
            ', refused: ' + ', '.join(failed) if failed else ''))
    return found


def lfw_faces(log):
    """Encodings of the 25 × 25 grey faces of scikit-image's LFW subset,
    each with a variant (mirrored, darker): upscaled 8 times, so they pass
    no gate and are encoded where dlib finds them"""
    from skimage import data
    lfw = data.lfw_subset()[:LFW_FACES]
    loose = face.FaceSettings(min_confidence=None)
    identities = []
    for small in lfw:
        pair = []
        for variant in (small, small[:, ::-1] * 0.85):
            grey = cv2.resize((variant * 255).astype(numpy.uint8),
                (200, 200), interpolation=cv2.INTER_CUBIC)
            image = numpy.stack([grey] * 3, axis=-1)
            locations = face.detect(image, loose) or [(20, 180, 180, 20)]
            pair.append(face.encode(image, locations[0]))
        identities.append(pair)
    log('LFW subset: %s faces and their variants encoded' % len(lfw))
    return identities


def calibration(log):
    """{(kind, who): distances}, kind 'genuine' (two captures of one face)
    or 'impostor' (two faces)"""
    from skimage import data
    rng = numpy.random.default_rng(7)
    astronaut = encodings_of(data.astronaut(), rng, face.FaceSettings(),
        log, 'astronaut')
    # He is small, turned aside and below dlib's usual score boundary
    cameraman = encodings_of(data.camera(), rng, face.FaceSettings(
            upsample=1, min_confidence=-0.6, min_face_size=40,
            min_sharpness=0), log, 'cameraman')
    people = [('astronaut', astronaut), ('cameraman', cameraman)] + [
        ('LFW', pair) for pair in lfw_faces(log)]
    groups = {}
    for who, encodings in people:
        for a, b in itertools.combinations(encodings, 2):
            groups.setdefault(('genuine', who), []).append(
                numpy.linalg.norm(a - b))
    for (first, a), (second, b) in itertools.combinations(people, 2):
        a, b = numpy.array(a), numpy.array(b)
        groups.setdefault(('impostor', '%s × %s' % (first, second)),
            []).extend(numpy.linalg.norm(a[:, None] - b[None],
                axis=-1).ravel())
    return {key: numpy.array(value) for key, value in groups.items()}


def calibration_table(genuine, impostor):
    "Markdown lines: false rejects and accepts at each accept threshold"
    lines = ['| accept ≤ | false rejects (genuine above) | '
        'false accepts (impostor at or below) |', '| ---: | ---: | ---: |']
    for threshold in THRESHOLDS:
        lines.append('| %.2f | %.1f %% | %.3f %% (%d) |' % (threshold,
                100 * (genuine > threshold).mean(),
                100 * (impostor <= threshold).mean(),
                (impostor <= threshold).sum()))
    return lines


def calibration_rows(log):
    log('calibration: encoding the real faces at hand')
    groups = calibration(log)
    for (kind, who), distances in groups.items():
        log('%s %s: %s pairs, distance min %.3f, median %.3f, max %.3f'
            % (kind, who, len(distances), distances.min(),
                numpy.median(distances), distances.max()))
    genuine, impostor = (numpy.concatenate([d for (k, _), d
                    in groups.items() if k == kind])
        for kind in ('genuine', 'impostor'))
    t = Thresholds()
    for name, distances in (('genuine', genuine), ('impostor', impostor)):
        log('%s, %s pairs, at the default thresholds (%s, %s): accept %.2f '
            '%%, review %.2f %%, reject %.2f %%' % (name, len(distances),
                t.accept, t.review, 100 * (distances <= t.accept).mean(),
                100 * ((distances > t.accept)
                    & (distances <= t.review)).mean(),
                100 * (distances > t.review).mean()))
    log('every pair:')
    for line in calibration_table(genuine, impostor):
        log(line)
    # LFW repeats people (Bush, Schröder...) under no label: its "impostor"
    # pairs include genuine ones
    others = numpy.concatenate([d for (k, who), d in groups.items()
            if k == 'impostor' and who != 'LFW × LFW'])
    log('without the LFW × LFW pairs:')
    for line in calibration_table(genuine, others):
        log(line)
    astronaut = groups['genuine', 'astronaut']
    to_her = numpy.concatenate([d for (k, who), d in groups.items()
            if k == 'impostor' and 'astronaut' in who])
    return [
        Row(NAME, BACKEND, 'calibration, the astronaut: largest distance '
            'between two captures of her, %s pairs (ratio above 1: separable)'
            % len(astronaut), round(float(astronaut.max()), 3), 'distance',
            'smallest from her to another face (%s pairs)' % len(to_her),
            round(float(to_her.min()), 3)),
        Row(NAME, BACKEND, 'calibration, every face: largest genuine '
            'distance (%s pairs)' % len(genuine),
            round(float(genuine.max()), 3), 'distance',
            'smallest impostor distance, LFW repeats included (%s pairs)'
            % len(impostor), round(float(impostor.min()), 3)),
        ]


if __name__ == '__main__':
    from . import fmt
    for row in measure(lambda message: print('bench: [face] %s' % message,
                flush=True)):
        print('%s: %s, %s %s (%.2f×)' % (row.measure,
                fmt(row.value, row.unit), row.baseline,
                fmt(row.baseline_value, row.unit), row.ratio))
