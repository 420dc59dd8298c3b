"""The printable sign (标识牌) of a position: HTML rendered to PDF by WeasyPrint, with a QR
code (segno, as inline SVG) that leads to the position's public page."""

from __future__ import annotations

import logging

import segno
from django.template.loader import render_to_string

# WeasyPrint logs every layout step at INFO: keep the server log for things that matter.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def qr_svg(url: str) -> str:
    """Return an SVG QR code of ``url`` (error correction M, quiet zone kept)."""
    return segno.make(url, error="m").svg_inline(scale=8, dark="#000000")


def render_pdf(position, sign: dict, url: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "stations/h5/sign.html", {"position": position, "sign": sign, "url": url, "qr": qr_svg(url)}
    )
    return HTML(string=html).write_pdf()
