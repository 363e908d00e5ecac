# SPDX-License-Identifier: GPL-3.0-or-later
"""The face engine on real photos: scikit-image's astronaut (one face),
cameraman (a small face in profile), coffee and chelsea the cat (none),
JPEG-encoded as the kiosk sends them. Each photo is encoded once per
module."""
import io
import struct
import subprocess
import sys
import zlib

import cv2
import numpy
import pytest
from PIL import Image
from skimage import data

from bhmis_attendance import face
from bhmis_attendance.face import (
    Burst,
    FaceError,
    FaceSettings,
    analyse,
    analyse_burst,
    decode,
    detect,
    encoding_from_bytes,
    encoding_to_bytes,
    thumbnail,
)
from bhmis_attendance.matching import Gallery, Thresholds

ASTRONAUT, CAMERAMAN = 7, 8
# Her face in the 512 px photo, as dlib finds it
FACE = (83, 266, 170, 179)


def jpeg(image, quality=90):
    out = io.BytesIO()
    Image.fromarray(image).save(out, 'JPEG', quality=quality)
    return out.getvalue()


def scaled(image, factor):
    return numpy.clip(image * factor, 0, 255).astype(numpy.uint8)


def code_of(call, *args):
    with pytest.raises(FaceError) as info:
        call(*args)
    assert info.value.code in face.REASONS
    return info.value.code


@pytest.fixture(scope='module')
def astronaut():
    return data.astronaut()


@pytest.fixture(scope='module')
def enrolled(astronaut):
    "Her enrolment: a crop of the photo"
    return analyse(decode(jpeg(astronaut[20:400, 60:440])))


@pytest.fixture(scope='module')
def check_in(astronaut):
    "Her check-in: the whole photo, darker and compressed harder"
    return analyse(decode(jpeg(scaled(astronaut, 0.7), 60)))


@pytest.fixture(scope='module')
def cameraman():
    # Small and turned aside: dlib finds him only upsampled, below its
    # usual score boundary
    settings = FaceSettings(upsample=1, min_confidence=-0.6,
        min_face_size=40)
    return analyse(decode(jpeg(data.camera())), settings)


@pytest.fixture(scope='module')
def others(enrolled):
    """2,000 made-up people at 0.7 to 1.1 from her, where dlib puts other
    people"""
    rng = numpy.random.default_rng(2026)
    directions = rng.normal(size=(2000, 128))
    directions /= numpy.linalg.norm(directions, axis=1)[:, None]
    distances = rng.uniform(0.7, 1.1, size=(2000, 1))
    return (enrolled.encoding + directions * distances).astype('float32')


def test_astronaut_has_one_face(astronaut):
    image = decode(jpeg(astronaut))
    locations = detect(image)
    assert len(locations) == 1
    assert numpy.abs(numpy.subtract(locations[0], FACE)).max() <= 8
    # At dlib's own score boundary her badge is a second face
    loose = FaceSettings(min_confidence=None, upsample=1)
    assert len(detect(image, loose)) == 2


def test_sample(enrolled):
    assert enrolled.encoding.dtype == numpy.float32
    assert enrolled.encoding.shape == (128,)
    assert enrolled.sharpness > FaceSettings().min_sharpness
    assert 40 < enrolled.brightness < 220
    assert enrolled.image.dtype == numpy.uint8
    top, right, bottom, left = enrolled.location
    assert 0 <= top < bottom <= enrolled.image.shape[0]
    assert 0 <= left < right <= enrolled.image.shape[1]


def test_recognised(enrolled, check_in, others):
    gallery = Gallery(range(1000, 1000 + len(others)), others)
    gallery.add([ASTRONAUT], [enrolled.encoding])
    match = gallery.match(check_in.encoding)
    assert (match.outcome, match.key) == ('accept', ASTRONAUT)
    assert match.distance < Thresholds().accept
    assert match.distance == pytest.approx(float(numpy.linalg.norm(
                enrolled.encoding - check_in.encoding)), abs=1e-5)


def test_rejected_when_not_enrolled(check_in, others, cameraman):
    gallery = Gallery(range(1000, 1000 + len(others)), others)
    gallery.add([CAMERAMAN], [cameraman.encoding])
    match = gallery.match(check_in.encoding)
    assert match.outcome == 'reject'
    assert match.key != ASTRONAUT
    assert match.distance > Thresholds().review
    # Two real people, far apart
    assert numpy.linalg.norm(cameraman.encoding - check_in.encoding) > 0.7


@pytest.mark.parametrize('photo', ['coffee', 'chelsea'])
def test_no_face(photo):
    assert code_of(analyse, decode(jpeg(getattr(data, photo)()))) == \
        'no_face'


def test_1080p(astronaut, enrolled):
    big = cv2.resize(astronaut, (1920, 1920),
        interpolation=cv2.INTER_CUBIC)[:1080]
    image = decode(jpeg(big))
    assert image.shape == (360, 640, 3)
    sample = analyse(image)
    assert numpy.linalg.norm(sample.encoding - enrolled.encoding) < \
        Thresholds().accept
    # An array too wide is shrunk by analyse too
    assert analyse(big).image.shape == (360, 640, 3)


def test_exif_orientation(astronaut):
    "A phone's photo stored sideways, with the EXIF tag to turn it upright"
    img = Image.fromarray(numpy.ascontiguousarray(numpy.rot90(astronaut)))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    img.save(out, 'JPEG', quality=95, exif=exif)
    image = decode(out.getvalue())
    assert image.shape == astronaut.shape
    assert numpy.abs(image.astype(int) - astronaut).mean() < 5


def truncated(image):
    whole = jpeg(image)
    return whole[:len(whole) // 2]


def png_claiming(width, height):
    "A PNG whose header claims width × height (with a valid checksum)"
    out = io.BytesIO()
    Image.new('L', (40, 40)).save(out, 'PNG')
    raw = bytearray(out.getvalue())
    header = b'IHDR' + struct.pack('>II', width, height) + bytes(raw[24:29])
    raw[12:29] = header
    raw[29:33] = struct.pack('>I', zlib.crc32(header))
    return bytes(raw)


@pytest.mark.parametrize('name, make', [
        ('empty', lambda a: b''),
        ('random', lambda a: numpy.random.default_rng(1).bytes(20000)),
        ('text', lambda a: b'CNIC,name\n5440012345671,Ayesha\n' * 40),
        ('truncated JPEG', truncated),
        ('1 x 1 PNG', lambda a: png_claiming(1, 1)),
        ('50,000 x 50,000 PNG', lambda a: png_claiming(50000, 50000)),
        ])
def test_bad_image(astronaut, name, make):
    assert code_of(decode, make(astronaut)) == 'bad_image'


def small_face(image):
    "Her photo shrunk into the corner of a larger blank frame"
    canvas = numpy.full((480, 640, 3), 255, numpy.uint8)
    canvas[:220, :220] = cv2.resize(image, (220, 220),
        interpolation=cv2.INTER_AREA)
    return canvas


def two_faces(image):
    crop = image[:320, 60:380]  # her face, not her badge
    return numpy.concatenate([crop, crop], axis=1)


@pytest.mark.parametrize('make, code', [
        (lambda a: scaled(a, 0.1), 'too_dark'),
        (lambda a: (255 * (a / 255) ** 0.3).astype(numpy.uint8),
            'too_bright'),
        (lambda a: cv2.GaussianBlur(a, (0, 0), 2.5), 'blurry'),
        (small_face, 'face_too_small'),
        (two_faces, 'several_faces'),
        ])
def test_gate(astronaut, make, code):
    assert code_of(analyse, decode(jpeg(make(astronaut)))) == code


def test_mild_blur_passes(astronaut):
    image = decode(jpeg(cv2.GaussianBlur(astronaut, (0, 0), 1)))
    assert analyse(image).sharpness > FaceSettings().min_sharpness


def test_thumbnail(enrolled):
    photo = thumbnail(enrolled.image, enrolled.location)
    assert photo[:2] == b'\xff\xd8'
    with Image.open(io.BytesIO(photo)) as img:
        assert img.format == 'JPEG'
        assert max(img.size) <= 160
        # the face with its margin, not the whole photo
        assert img.size[0] == pytest.approx(img.size[1], abs=30)
    whole = thumbnail(numpy.zeros((300, 600, 3), numpy.uint8), size=64)
    with Image.open(io.BytesIO(whole)) as img:
        assert img.size == (64, 32)
    assert len(photo) < 16000


def test_encoding_bytes(enrolled):
    data_ = encoding_to_bytes(enrolled.encoding)
    assert len(data_) == 512
    assert data_ == enrolled.encoding.astype('<f4').tobytes()
    back = encoding_from_bytes(data_)
    assert back.dtype == numpy.float32 and back.shape == (128,)
    assert numpy.array_equal(back, enrolled.encoding)
    with pytest.raises(ValueError):
        encoding_from_bytes(data_[:-4])
    with pytest.raises(ValueError):
        encoding_to_bytes(numpy.zeros(64))


@pytest.fixture(scope='module')
def burst_frames(astronaut):
    "Four frames of her, the third the sharpest"
    return [jpeg(cv2.GaussianBlur(astronaut, (0, 0), sigma))
        for sigma in (1.2, 1.0, 0.3, 0.8)]


def test_burst_encodes_one_frame(monkeypatch, burst_frames, enrolled):
    import face_recognition.api
    calls = []
    real = face_recognition.api.face_encodings
    monkeypatch.setattr(face_recognition.api, 'face_encodings',
        lambda *args, **kw: calls.append(1) or real(*args, **kw))
    burst = analyse_burst(burst_frames, liveness=False)
    assert isinstance(burst, Burst)
    assert burst.index == 2 and len(calls) == 1
    assert burst.live is None and burst.ears == [None] * 4
    assert numpy.linalg.norm(burst.sample.encoding - enrolled.encoding) \
        < Thresholds().accept


def test_burst_of_a_still_photo_is_not_live(burst_frames):
    burst = analyse_burst(burst_frames[2:3] * 4)
    assert burst.live is False
    assert len(set(burst.ears)) == 1 and 0.2 < burst.ears[0] < 0.5


def test_burst_input(burst_frames):
    assert code_of(analyse_burst, []) == 'bad_image'
    assert code_of(analyse_burst, burst_frames[:1] * 9) == 'bad_image'
    assert code_of(analyse_burst, [burst_frames[0], b'junk']) == \
        'bad_image'


def test_burst_reasons(astronaut):
    coffee = jpeg(data.coffee())
    dark = jpeg(scaled(astronaut, 0.1))
    blurred = jpeg(cv2.GaussianBlur(astronaut, (0, 0), 2.5))
    assert code_of(analyse_burst, [coffee, jpeg(two_faces(astronaut))]) \
        == 'several_faces'
    assert code_of(analyse_burst, [coffee, coffee]) == 'no_face'
    assert code_of(analyse_burst, [dark, blurred, dark]) == 'too_dark'


def test_threads_of_one_worker_share_the_engine():
    """A web worker's threads check in at once: dlib's models run one call
    at a time (two at once crashed the worker with SIGSEGV), in a child
    process so that a crash fails this test instead of ending the run"""
    script = (
        "import threading\n"
        "from skimage import data\n"
        "from bhmis_attendance.face import analyse\n"
        "image = data.astronaut()\n"
        "first = analyse(image).location\n"
        "found = []\n"
        "def work():\n"
        "    for _ in range(3):\n"
        "        found.append(analyse(image).location)\n"
        "threads = [threading.Thread(target=work) for _ in range(8)]\n"
        "[t.start() for t in threads]\n"
        "[t.join() for t in threads]\n"
        "assert found == [first] * 24, found\n"
        "print('ok', len(found))\n")
    result = subprocess.run([sys.executable, '-c', script],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ['ok', '24']
