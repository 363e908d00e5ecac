# SPDX-License-Identifier: GPL-3.0-or-later
"""Attachments of complaints judged by their content, never by their name,
without the ORM: a JPEG or PNG must open as one, a PDF must start with its
header and end with its end-of-file marker.  An executable renamed .jpg,
an empty file or one too large is refused with its reason."""
import io
import warnings

from PIL import Image

MAX_FILES = 3
MAX_SIZE = 5 * 1024 * 1024
# Decoding a small file into gigapixels is a denial of service
MAX_PIXELS = 50_000_000
ACCEPTED = ('image/jpeg', 'image/png', 'application/pdf')
_IMAGES = {
    b'\xff\xd8\xff': ('JPEG', 'image/jpeg'),
    b'\x89PNG\r\n\x1a\n': ('PNG', 'image/png'),
    }


class Refused(ValueError):
    "An attachment refused; code is empty, too_large, type or damaged"

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def sniff(data):
    "Return the MIME type of data, one of ACCEPTED; raise Refused"
    if not data:
        raise Refused('empty', "the file is empty")
    if len(data) > MAX_SIZE:
        raise Refused('too_large', "the file is larger than %s MiB"
            % (MAX_SIZE // (1024 * 1024)))
    for magic, (kind, mime) in _IMAGES.items():
        if data.startswith(magic):
            _open_image(data, kind)
            return mime
    if data.startswith(b'%PDF-'):
        if b'%%EOF' not in data[-1024:]:
            raise Refused('damaged', "the PDF is incomplete (no %%EOF)")
        return 'application/pdf'
    raise Refused('type', "only JPEG, PNG and PDF files are accepted")


def _open_image(data, kind):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error', Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise Refused('damaged', "the image is too large")
                image.verify()
            # verify() checks the structure; loading checks the pixels
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                image.load()
    except Refused:
        raise
    except Exception:
        raise Refused('damaged', "the %s image cannot be read" % kind)
