"""The one normaliser of incoming text, and the pixel limit read from an image's header."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from gonghui.appeals.attachments import check_files
from gonghui.core.errors import ServiceError
from gonghui.core.images import MAX_PIXELS
from gonghui.core.inputs import MAX_INT, clean_data, clean_text


def test_it_removes_control_characters_but_keeps_tabs_and_line_breaks():
    assert clean_text("a\x00b\x0bc\x1fd\x7fe\x85f\ufffeg") == "abcdefg"
    assert clean_text("第一行\n第二行\r\n\t缩进") == "第一行\n第二行\r\n\t缩进"


def test_it_refuses_a_lone_surrogate_unless_told_to_drop_it():
    with pytest.raises(ServiceError) as caught:
        clean_text("密码\ud800")
    assert caught.value.code == "invalid_characters" and caught.value.status == 422
    assert clean_text("密码\udfff", refuse_surrogates=False) == "密码"


def test_it_cleans_keys_and_values_at_any_depth_and_bounds_integers():
    data = {"a\x00": ["x\x0by", {"n": 5, "t": "\x00"}], "ok": True, "f": 1.5}
    assert clean_data(data) == {"a": ["xy", {"n": 5, "t": ""}], "ok": True, "f": 1.5}
    assert clean_data({"n": MAX_INT}) == {"n": MAX_INT}
    with pytest.raises(ServiceError) as caught:
        clean_data({"n": [MAX_INT + 1]})
    assert caught.value.code == "out_of_range"


class _Upload(io.BytesIO):
    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name, self.size = name, len(data)


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height)).save(out, "PNG")
    return out.getvalue()


def test_an_attachment_over_the_pixel_limit_is_refused_by_its_declared_size():
    side = int(MAX_PIXELS**0.5) + 1
    with pytest.raises(ValidationError) as caught:
        check_files([_Upload(_png(side, side), "big.png")])
    assert caught.value.code == "attachment_too_large"
    [ok] = check_files([_Upload(_png(400, 300), "small.png")])
    assert ok.content_type == "image/png"
