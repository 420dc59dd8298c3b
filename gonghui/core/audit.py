"""Write audit events; every write service and unmasked view calls ``record``."""

from typing import Any

from django.http import HttpRequest

from gonghui.core.models import AuditLog


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # Behind a proxy, the proxy is configured to set REMOTE_ADDR (see docs/configuration.md).
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: str,
    *,
    actor=None,
    actor_label: str = "",
    obj: Any = None,
    org=None,
    request: HttpRequest | None = None,
    **detail: Any,
) -> AuditLog:
    """Append one audit event. ``org`` (or ``obj.org``) scopes who may read it."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if actor is not None and not actor_label:
        actor_label = actor.get_username()
    if org is None and obj is not None:
        org = getattr(obj, "audit_org", None)
    return AuditLog.objects.create(
        actor=actor,
        actor_label=actor_label[:100],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        org_path=getattr(org, "path", "") or "",
        ip=client_ip(request),
        detail=detail,
    )
