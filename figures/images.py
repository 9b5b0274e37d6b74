"""Reading an uploaded image and writing the file the site keeps (Pillow).

An upload is never stored as it came: it is opened by Pillow with only the four formats
a figure may have, its size read from the header and checked before a pixel is decoded
(a 50-kilobyte PNG can claim 100,000 × 100,000 pixels and take gigabytes to decode),
decoded, turned upright by its EXIF orientation, shrunk to at most
FIGURE_MAX_SIDE pixels on its longer side, and written afresh. The new file carries no
metadata at all: no EXIF (camera, time, GPS position), no comments, no colour profile.

Which format it is written in follows what it shows: PNG keeps sharp edges and
transparency (diagrams, plots, screenshots: few colours), JPEG is a fraction of the
size for photographs and renderings (many colours, no transparency).
"""

import io
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

# What a figure may be uploaded as, by Pillow's names. Anything else (SVG, which can
# hold script; TIFF, PSD, EPS and the rest of Pillow's readers) is refused unopened.
ACCEPTED_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
# An image of at most this many colours is written as PNG: a plot or a diagram, whose
# edges JPEG would blur. Counted before it is shrunk, which blends new colours in.
FEW_COLOURS = 256
JPEG_QUALITY = 85
# A PNG of few colours that takes more than this many bits a pixel is a photograph in
# few colours (greys, say) rather than a diagram: JPEG is tried too.
PNG_BITS_PER_PIXEL = 2


class Refused(Exception):
    """The upload is not a figure the site takes; the message says why, to the user."""


@dataclass(frozen=True)
class Figure:
    content: bytes
    extension: str  # "png" or "jpg"
    width: int
    height: int

    @property
    def content_type(self):
        return "image/png" if self.extension == "png" else "image/jpeg"


def megabytes(size):
    return f"{size / 1_000_000:.3g} MB"


def process(upload):
    """The figure to store for `upload` (a file object), or `Refused`."""
    max_bytes = settings.FIGURE_MAX_BYTES
    if upload.size > max_bytes:
        raise Refused(
            f"This file is {megabytes(upload.size)}; "
            f"a figure may be at most {megabytes(max_bytes)}."
        )
    max_pixels = settings.FIGURE_MAX_PIXELS
    try:
        image = Image.open(upload, formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError:
        # Pillow's own guard, at twice its default limit, raised from the header.
        raise Refused(_too_many_pixels(max_pixels)) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise Refused(
            "This file is not an image the site can read: upload a PNG, JPEG, GIF or WebP file."
        ) from None
    with image:
        # Read from the header, before anything is decoded.
        if image.width * image.height > max_pixels:
            raise Refused(_too_many_pixels(max_pixels, image.size))
        try:
            # An animated GIF or WebP shows its first frame.
            image.seek(0)
            if image.format == "JPEG":
                # Decoded at a half, a quarter or an eighth of its size where that still
                # leaves FIGURE_MAX_SIDE: a fraction of the time and memory.
                side = settings.FIGURE_MAX_SIDE
                image.draft(image.mode, (side, side))
            image.load()
            upright = ImageOps.exif_transpose(image)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            raise Refused(
                "This image is damaged or cut short and cannot be read; save it again and retry."
            ) from None
        return _encode(upright)


def _too_many_pixels(max_pixels, size=None):
    limit = f"a figure may have at most {max_pixels / 1_000_000:g} megapixels"
    if size is None:
        return f"This image has too many pixels: {limit}."
    width, height = size
    return f"This image is {width:,} × {height:,} pixels; {limit}."


def _encode(image):
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if transparent:
        image = image.convert("RGBA")
    elif image.mode not in ("RGB", "L"):
        # Palettes, CMYK photographs, 16-bit and 1-bit images: shown as RGB or grey.
        image = image.convert("L" if image.mode in ("1", "I", "I;16", "F") else "RGB")
    few_colours = image.getcolors(maxcolors=FEW_COLOURS) is not None
    side = settings.FIGURE_MAX_SIDE
    if max(image.size) > side:
        # A copy: thumbnail() shrinks in place, and `image` may be the decoder's own.
        image = image.copy()
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
    if transparent:
        return _figure(image, "png")
    if few_colours:
        png = _figure(image, "png")
        # A grey photograph has few colours too, and no edges to keep: as PNG it takes
        # ten bits a pixel, where a diagram takes a fraction of one. Past two bits, the
        # smaller of the two is kept.
        if len(png.content) * 8 <= PNG_BITS_PER_PIXEL * image.width * image.height:
            return png
        return min(png, _figure(image, "jpg"), key=lambda figure: len(figure.content))
    return _figure(image, "jpg")


def _figure(image, extension):
    buffer = io.BytesIO()
    if extension == "png":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return Figure(buffer.getvalue(), extension, image.width, image.height)
