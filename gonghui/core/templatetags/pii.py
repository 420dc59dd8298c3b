from django import template

from gonghui.core import pii

register = template.Library()


@register.filter
def pii_mask(value: str, kind: str = pii.ID_NUMBER) -> str:
    """``{{ m.id_number|pii_mask }}`` or ``{{ a.phone|pii_mask:"phone" }}``: the masked
    form, never the full value (for lists and exports, which nobody reads in full)."""
    return pii.mask(kind, value or "")


@register.simple_tag(takes_context=True)
def pii_display(context, obj, field: str, org=None) -> str:
    """Show a phone or ID number masked, or full (audited) to a role that needs it."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return pii.display(obj, field, viewer=viewer, org=org, request=request)
