"""Images for the figures tests, made here with Pillow: no binary files in the tree."""

import io
import random
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

CAMERA = "TestCam Maker 9000"
# Degrees, minutes, seconds of a place: what a phone writes into a photo's EXIF.
LATITUDE = (52.0, 31.0, 12.0)


def encoded(image, format, **options):
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def diagram_png(size=(64, 48)):
    """A plot's worth of colours: a white ground with two flat bars."""
    image = Image.new("RGB", size, "white")
    image.paste((200, 30, 30), (4, 10, 20, size[1]))
    image.paste((30, 30, 200), (30, 20, 46, size[1]))
    return encoded(image, "PNG")


def photo(size=(60, 30), seed=1):
    """Many colours, like a photograph: the left half red, the right half blue, both
    noisy, so that which way up it is can be read from the pixels."""
    rng = random.Random(seed)
    width, height = size
    pixels = bytearray()
    for _ in range(height):
        for x in range(width):
            noise = (rng.randrange(40), rng.randrange(40), rng.randrange(40))
            base = (200, 0, 0) if x < width // 2 else (0, 0, 200)
            pixels += bytes(min(255, b + n) for b, n in zip(base, noise, strict=True))
    return Image.frombytes("RGB", size, bytes(pixels))


def photo_jpeg_with_exif(size=(60, 30), orientation=6):
    """A JPEG whose EXIF says to turn it a quarter clockwise (6) to show it upright,
    and names a camera and a GPS position."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = CAMERA
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = LATITUDE
    return encoded(photo(size), "JPEG", quality=95, exif=exif.tobytes())


def header_only_png(width, height):
    """A PNG whose header claims width × height pixels, with one byte of pixel data:
    what a decompression bomb looks like before it is decoded."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


def upload(content, name="figure.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)
