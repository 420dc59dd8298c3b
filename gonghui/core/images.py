"""Pictures that people upload: refused by their size in pixels before any decoding.

``Image.open`` reads only the header, so the width and height are known at once; the
pixels are decoded later (``tobytes``, ``convert``). A small file can declare a huge
picture (a 64-megapixel PNG of one colour compresses to a few hundred kB) and tie up a
worker for seconds while it is decoded, so the size is checked in between.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

# About 40 megapixels: more than any phone photo a worker sends (a 12-48 MP camera).
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard: a warning, an error at twice this


def check_pixels(img: Image.Image, *, code: str) -> None:
    """Refuse ``img`` (opened, not yet loaded) when it has more than MAX_PIXELS pixels."""
    width, height = img.size
    if width * height > MAX_PIXELS:
        raise ValidationError(
            _("图片尺寸过大（%(w)d×%(h)d 像素），最多 %(mp)d 百万像素。")
            % {"w": width, "h": height, "mp": MAX_PIXELS // 1_000_000},
            code=code,
        )
