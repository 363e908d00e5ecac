# SPDX-License-Identifier: GPL-3.0-or-later
"""Attachments judged by content: images opened, PDFs checked, the rest
refused with its reason."""
import io
import struct
import zlib

import pytest
from PIL import Image

from bhmis_complaints.attachments import MAX_SIZE, Refused, sniff

ELF = b'\x7fELF\x02\x01\x01' + b'\x00' * 200
WINDOWS = b'MZ\x90\x00' + b'\x00' * 200
PDF = (b'%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <<>>\n'
    b'%%EOF\n')


def image(kind, size=(40, 30)):
    buffer = io.BytesIO()
    Image.new('RGB', size, (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def test_accepted_types():
    assert sniff(image('JPEG')) == 'image/jpeg'
    assert sniff(image('PNG')) == 'image/png'
    assert sniff(PDF) == 'application/pdf'


@pytest.mark.parametrize('data, code', [
    (b'', 'empty'),
    (ELF, 'type'),
    (WINDOWS, 'type'),
    (b'<html><script>alert(1)</script></html>', 'type'),
    (b'GIF89a' + b'\x00' * 50, 'type'),
    (b'\xff\xd8\xff' + ELF, 'damaged'),   # a JPEG header on a program
    (image('JPEG')[:60], 'damaged'),      # cut short
    (image('PNG')[:40], 'damaged'),
    (b'%PDF-1.4\n' + b'x' * 2000, 'damaged'),  # no end
    ])
def test_refused_with_reason(data, code):
    with pytest.raises(Refused) as refused:
        sniff(data)
    assert refused.value.code == code
    assert str(refused.value)


def test_size_cap():
    big = PDF[:-6] + b' ' * (MAX_SIZE - len(PDF)) + b'%%EOF\n'
    assert len(big) == MAX_SIZE
    assert sniff(big) == 'application/pdf'
    with pytest.raises(Refused, match="5 MiB") as refused:
        sniff(big + b'\n')
    assert refused.value.code == 'too_large'


def test_pixel_bomb_refused():
    "A tiny PNG claiming enormous dimensions is not decoded"
    png = bytearray(image('PNG'))
    # IHDR: width and height at bytes 16-24, its CRC at 29-33
    png[16:24] = struct.pack('>II', 100_000, 60_000)
    png[29:33] = struct.pack('>I', zlib.crc32(bytes(png[12:29])))
    with pytest.raises(Refused) as refused:
        sniff(bytes(png))
    assert refused.value.code == 'damaged'
