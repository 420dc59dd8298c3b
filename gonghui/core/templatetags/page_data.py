"""``{{ value|page_data:"element-id" }}``: Django's ``json_script``, written as UTF-8.

``json_script`` writes every non-ASCII character as a ``\\uXXXX`` escape, which makes
Chinese text three times longer before compression (39 KB of the find-a-station page
were place names written so). The data block is never executed, so only ``<``, ``>``
and ``&`` need escaping (to keep ``</script>`` and comments out), exactly as
``json_script`` escapes them.
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def page_data_json(value: object) -> str:
    """Return ``value`` as compact UTF-8 JSON that is safe inside a script element."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    if not text.isascii():
        try:
            text.encode()
        except UnicodeEncodeError:  # a lone surrogate cannot be written as UTF-8
            text = json.dumps(value, cls=DjangoJSONEncoder, separators=(",", ":"))
    return text.translate(_ESCAPES)


@register.filter(is_safe=True)
def page_data(value: object, element_id: str) -> SafeString:
    """Return a ``<script type="application/json">`` data block holding ``value``."""
    return format_html(
        '<script id="{}" type="application/json">{}</script>',
        element_id,
        mark_safe(page_data_json(value)),  # noqa: S308 - escaped above, as json_script does
    )
