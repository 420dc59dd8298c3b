from django import template

from gonghui.core import pii

register = template.Library()


@register.simple_tag(takes_context=True)
def pii_display(context, obj, field: str, org=None) -> str:
    """Show a phone or ID number masked, or full (audited) to a role that needs it."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return pii.display(obj, field, viewer=viewer, org=org, request=request)
