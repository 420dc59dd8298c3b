"""Attachments: jpeg/png/pdf checked by their content, at most 10 MB each and 5 per appeal.

Photos are re-encoded without their metadata, which removes the EXIF GPS location a
phone camera writes (a worker's home, often). Everything is checked before anything
is stored, so a bad file refuses the whole submission.
"""

import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from gonghui.core.images import check_pixels

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _strip_image(data: bytes, content_type: str) -> bytes:
    """Re-encode the pixels only: no EXIF (GPS), no comments; orientation applied first."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            check_pixels(img, code="attachment_too_large")  # from the header, before decoding
            img = ImageOps.exif_transpose(img)
            clean = Image.frombytes(img.mode, img.size, img.tobytes())
            if img.mode == "P" and img.getpalette():
                clean.putpalette(img.getpalette())
            out = io.BytesIO()
            if content_type == "image/jpeg":
                clean.convert("RGB").save(out, "JPEG", quality=88)
            else:
                clean.save(out, "PNG")
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("图片已损坏，无法打开。"), code="invalid_attachment") from exc


def check_files(files) -> list[CheckedFile]:
    """Return the files checked and cleaned, or raise ValidationError for the first bad one."""
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ValidationError(
            _("最多上传%(n)d个附件。") % {"n": MAX_FILES}, code="too_many_attachments"
        )
    checked = []
    for f in files:
        name = (getattr(f, "name", "") or "attachment")[-150:]
        if f.size > MAX_BYTES:
            raise ValidationError(
                _("附件“%(name)s”超过10MB。") % {"name": name}, code="attachment_too_large"
            )
        data = f.read()
        content_type = _sniff(data[:8])
        if content_type is None:
            raise ValidationError(
                _("附件“%(name)s”不是JPG、PNG图片或PDF文件。") % {"name": name},
                code="invalid_attachment",
            )
        if content_type.startswith("image/"):
            data = _strip_image(data, content_type)
        checked.append(CheckedFile(name, content_type, data))
    return checked


def store(appeal, checked: list[CheckedFile]) -> None:
    from gonghui.appeals.models import Attachment

    for c in checked:
        att = Attachment(
            appeal=appeal,
            name=c.name,
            content_type=c.content_type,
            size=len(c.data),
            sha256=c.sha256,
        )
        att.file.save(f"{c.sha256[:16]}{_ext(c.content_type)}", ContentFile(c.data), save=False)
        att.save()


def _ext(content_type: str) -> str:
    return {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}[content_type]
