# SPDX-License-Identifier: GPL-3.0-or-later
"""The face engine of check-in: image decoding, face detection at bounded
resolution, the quality gate, 128-dimension encodings (dlib's ResNet model
through face_recognition), evidence thumbnails and the analysis of a burst
of frames with its blink check.

Pure Python, without Tryton: the models and HTTP routes call it, the
benchmarks time it. face_recognition loads about 100 MB of models when it
is imported (2 s), so it is imported on first use only, not when Tryton
loads this module. doc/face.rst explains the settings and the figures.
"""
import io
import threading
from collections import Counter
from dataclasses import dataclass

import cv2
import numpy
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from .liveness import blink_detected, face_ear, face_pitch, pitch_corrected

REASONS = ('bad_image', 'no_face', 'several_faces', 'face_too_small',
    'blurry', 'too_dark', 'too_bright')
MESSAGES = {
    'bad_image': "The image could not be read.",
    'no_face': "No face was found: face the camera.",
    'several_faces': "Several faces were found: one person at a time.",
    'face_too_small': "The face is too small: come closer to the camera.",
    'blurry': "The image is blurred: hold still.",
    'too_dark': "The face is too dark: find more light.",
    'too_bright': "The face is too bright: move out of direct light.",
    'too_large': "The image is too large.",
    }
ENCODING_SIZE = 128
# A decompression bomb states its size in its header: refuse before
# decoding anything (Pillow's own MAX_IMAGE_PIXELS check is far higher)
MAX_PIXELS = 40_000_000
MAX_SIDE = 10_000
MIN_SIDE = 32
# Sharpness is measured on the face resized to about the size the encoder
# sees it (dlib's 150 px chip holds the face in ~100 px) and brought to one
# contrast, so that neither the distance to the camera nor a dim light
# reads as blur (darkness has its own reasons).
SHARPNESS_SIZE = 100
SHARPNESS_CONTRAST = 50.0


@dataclass(frozen=True)
class FaceSettings:
    max_width: int = 640
    min_face_size: int = 60
    # Variance of the Laplacian of the contrast-normalised face: the
    # astronaut photo measures 380, her small rotations and rescalings
    # 140-250, a Gaussian blur of sigma 1.5 37, of 2 25, of 2.5 20.
    min_sharpness: float = 30.0
    min_brightness: float = 40.0
    max_brightness: float = 220.0
    upsample: int = 0
    # dlib's score cut. At its own boundary (0, when None) it finds a face
    # on the astronaut's badge with scores up to 0.34 in her variants;
    # her real face scores 0.64 to 1.6.
    min_confidence: float | None = 0.5
    max_frames: int = 8
    max_bytes: int = 2_000_000
    # Without upsampling dlib finds no face under ~70 px. When it finds
    # none, look again at twice the resolution, so that a person standing
    # too far is told to come closer rather than that there is no face.
    retry_upsample: bool = True


class FaceError(ValueError):
    "An image that cannot be used, code one of REASONS"

    def __init__(self, code, message=None):
        self.code = code
        self.message = message or MESSAGES.get(code, code)
        super().__init__(self.message)


# dlib's detector and networks keep their working buffers in the model
# objects and release the GIL: two threads of a web worker running them at
# once crashed the worker (SIGSEGV).  One call at a time per process; the
# workers (processes) still run in parallel.
DLIB = threading.Lock()


def _api():
    import face_recognition.api
    _strict_pillow()
    return face_recognition.api


def _strict_pillow():
    # face_recognition sets LOAD_TRUNCATED_IMAGES on import, for the whole
    # process: Pillow would then pad half an upload with grey and call it
    # an image. Put Pillow's default back.
    ImageFile.LOAD_TRUNCATED_IMAGES = False


def _rgb(image):
    "image as a contiguous RGB uint8 array (dlib refuses anything else)"
    image = numpy.asarray(image)
    if image.dtype != numpy.uint8:
        raise ValueError('expected a uint8 image, not %s' % image.dtype)
    if image.ndim == 2:
        image = numpy.stack([image] * 3, axis=-1)
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ValueError('expected an RGB image, not shape %s'
            % (image.shape,))
    return numpy.ascontiguousarray(image[..., :3])


def _bounded(image, max_width):
    height, width = image.shape[:2]
    if width <= max_width:
        return image
    size = (max_width, max(1, round(height * max_width / width)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def decode(data, settings=FaceSettings()):
    """The RGB uint8 array of an uploaded image, upright (EXIF), at most
    settings.max_width wide. FaceError('bad_image') for anything that is not
    a whole image of sensible dimensions."""
    if not data:
        raise FaceError('bad_image', "The image is empty.")
    _strict_pillow()
    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
            if (min(width, height) < MIN_SIDE or max(width, height) > MAX_SIDE
                    or width * height > MAX_PIXELS):
                raise FaceError('bad_image',
                    "Unusable image dimensions: %s × %s." % (width, height))
            if img.format == 'JPEG':
                # libjpeg can decode at 1/2, 1/4, 1/8 of the size: far
                # cheaper than decoding 1080p and shrinking it
                turned = img.getexif().get(0x0112) in (5, 6, 7, 8)
                scale = settings.max_width / (height if turned else width)
                if scale < 1:
                    img.draft('RGB', (int(width * scale) + 1,
                            int(height * scale) + 1))
            # load() reads every byte: a truncated file fails here, where
            # LOAD_TRUNCATED_IMAGES would pad it with grey
            img.load()
            img = ImageOps.exif_transpose(img).convert('RGB')
            image = numpy.asarray(img)
    except FaceError:
        raise
    except UnidentifiedImageError as exception:
        raise FaceError('bad_image',
            "This is not an image (or not of a known format).") from exception
    except Exception as exception:
        # Pillow's decoders raise OSError, ValueError, SyntaxError,
        # struct.error, EOFError...: every one means an unreadable upload
        raise FaceError('bad_image',
            "The image could not be read: %s" % exception) from exception
    return numpy.ascontiguousarray(_bounded(image, settings.max_width))


@dataclass
class FaceSample:
    encoding: numpy.ndarray
    location: tuple
    sharpness: float
    brightness: float
    image: numpy.ndarray


def detect(image, settings=FaceSettings(), upsample=None):
    """The (top, right, bottom, left) of each face dlib finds in image,
    most confident first, clipped to the image."""
    image = _rgb(image)
    if upsample is None:
        upsample = settings.upsample
    cut = 0.0 if settings.min_confidence is None else settings.min_confidence
    api = _api()
    with DLIB:
        rects, scores, _ = api.face_detector.run(image, upsample, cut)
    height, width = image.shape[:2]
    found = []
    for score, rect in sorted(zip(scores, rects), key=lambda x: -x[0]):
        location = (max(rect.top(), 0), min(rect.right(), width),
            min(rect.bottom(), height), max(rect.left(), 0))
        if location[2] > location[0] and location[1] > location[3]:
            found.append(location)
    return found


def quality(image, location):
    "(sharpness, brightness) of the face at location in image"
    top, right, bottom, left = location
    grey = cv2.cvtColor(image[top:bottom, left:right], cv2.COLOR_RGB2GRAY)
    brightness = float(grey.mean())
    interpolation = (cv2.INTER_AREA if grey.shape[0] > SHARPNESS_SIZE
        else cv2.INTER_LINEAR)
    grey = cv2.resize(grey, (SHARPNESS_SIZE, SHARPNESS_SIZE),
        interpolation=interpolation).astype(numpy.float32)
    spread = float(grey.std())
    if spread < 1:
        return 0.0, brightness
    grey = (grey - grey.mean()) * (SHARPNESS_CONTRAST / spread)
    return float(cv2.Laplacian(grey, cv2.CV_32F).var()), brightness


@dataclass
class _Look:
    "What the gate saw in one frame"
    locations: list
    reason: str | None = None
    sharpness: float = 0.0
    brightness: float = 0.0


def _look(image, settings, upsample=None):
    look = _Look(detect(image, settings, upsample))
    if not look.locations:
        look.reason = 'no_face'
    elif len(look.locations) > 1:
        look.reason = 'several_faces'
    else:
        top, right, bottom, left = look.locations[0]
        if min(bottom - top, right - left) < settings.min_face_size:
            look.reason = 'face_too_small'
            return look
        look.sharpness, look.brightness = quality(image, look.locations[0])
        # Light before sharpness: a washed-out or black face has no detail
        # left and would be called blurred
        if look.brightness < settings.min_brightness:
            look.reason = 'too_dark'
        elif look.brightness > settings.max_brightness:
            look.reason = 'too_bright'
        elif look.sharpness < settings.min_sharpness:
            look.reason = 'blurry'
    return look


def _retry(image, settings):
    return _look(image, settings, settings.upsample + 1)


def encode(image, location):
    """The float32 (128,) encoding of the face at location in image, with
    no gate: for faces found or checked by other means"""
    image = _rgb(image)
    api = _api()
    with DLIB:
        encodings = api.face_encodings(image, [location], num_jitters=1)
    return numpy.asarray(encodings[0], dtype=numpy.float32)


def analyse(image, settings=FaceSettings()):
    """The FaceSample of the one face of image (an RGB array, shrunk to
    settings.max_width if wider); FaceError if it fails the gate."""
    image = _bounded(_rgb(image), settings.max_width)
    look = _look(image, settings)
    if look.reason == 'no_face' and settings.retry_upsample:
        look = _retry(image, settings)
    if look.reason:
        raise FaceError(look.reason)
    location = look.locations[0]
    return FaceSample(encode(image, location), location, look.sharpness,
        look.brightness, image)


@dataclass
class Burst:
    sample: FaceSample
    index: int
    ears: list
    live: bool | None


def _burst_reason(looks):
    """The reason to give when no frame passes: the commonest failure of
    the frames that showed one face, else several faces, else none."""
    single = [look.reason for look in looks if len(look.locations) == 1]
    if single:
        return Counter(single).most_common(1)[0][0]
    if any(len(look.locations) > 1 for look in looks):
        return 'several_faces'
    return 'no_face'


def analyse_burst(frames, settings=FaceSettings(), liveness=True):
    """The frame to match of a burst from the kiosk camera (the sharpest
    that passes the gate) and, when liveness, whether the eyes blinked.

    Every frame is decoded and searched for faces, but only the chosen one
    is encoded, which costs more than the rest together.
    """
    if not frames or len(frames) > settings.max_frames:
        raise FaceError('bad_image', "Expected 1 to %s frames, not %s." % (
                settings.max_frames, len(frames or ())))
    images = [decode(frame, settings) for frame in frames]
    looks = [_look(image, settings) for image in images]
    if settings.retry_upsample and not any(l.locations for l in looks):
        # Once per burst, to tell "too far" from "nobody" at bounded cost
        middle = len(images) // 2
        looks[middle] = _retry(images[middle], settings)
    passing = [i for i, look in enumerate(looks) if not look.reason]
    if not passing:
        raise FaceError(_burst_reason(looks))
    index = max(passing, key=lambda i: looks[i].sharpness)
    look, image = looks[index], images[index]
    location = look.locations[0]
    sample = FaceSample(encode(image, location), location, look.sharpness,
        look.brightness, image)
    ears, live = [None] * len(images), None
    if liveness:
        pitches = [None] * len(images)
        for i, (image, look) in enumerate(zip(images, looks)):
            if len(look.locations) != 1:
                continue
            # Every frame with one face counts, blurred ones too: the
            # eyelids move fast and a blink is often blurred
            api = _api()
            with DLIB:
                landmarks = api.face_landmarks(image, look.locations[:1])
            try:
                ears[i] = face_ear(landmarks[0])
                pitches[i] = face_pitch(landmarks[0])
            except (ValueError, KeyError, IndexError):
                ears[i] = pitches[i] = None
        live = blink_detected(pitch_corrected(ears, pitches))
    return Burst(sample, index, ears, live)


def thumbnail(image, location=None, size=160, quality=80):
    """JPEG bytes of the face at location with a margin around it (or of
    the whole image), at most size px on its longest side: the evidence
    photo kept with a check-in."""
    image = _rgb(image)
    if location is not None:
        top, right, bottom, left = location
        margin = max(bottom - top, right - left) * 2 // 5
        height, width = image.shape[:2]
        crop = image[max(0, top - margin):min(height, bottom + margin),
            max(0, left - margin):min(width, right + margin)]
        if crop.size:
            image = crop
    img = Image.fromarray(image)
    img.thumbnail((size, size), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    img.save(out, 'JPEG', quality=quality, optimize=True)
    return out.getvalue()


def encoding_to_bytes(encoding):
    "The 512 bytes of an encoding: 128 float32, little-endian"
    encoding = numpy.asarray(encoding, dtype='<f4')
    if encoding.shape != (ENCODING_SIZE,):
        raise ValueError('expected %s values, not shape %s'
            % (ENCODING_SIZE, encoding.shape))
    return encoding.tobytes()


def encoding_from_bytes(data):
    "The float32 (128,) encoding stored by encoding_to_bytes"
    if len(data) != ENCODING_SIZE * 4:
        raise ValueError('expected %s bytes, not %s'
            % (ENCODING_SIZE * 4, len(data)))
    return numpy.frombuffer(data, dtype='<f4').astype(numpy.float32)
