"""Every write to the union tree, enterprises, roles and paired contact."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _
from stdnum.cn import uscc as uscc_number
from stdnum.exceptions import ValidationError as StdnumError

from gonghui.core import audit
from gonghui.orgs.access import forget_scope
from gonghui.orgs.choices import ALLOWED_PARENTS, OrgKind
from gonghui.orgs.models import Enterprise, Org, PairedContact, StaffRole
from gonghui.orgs.signals import tree_changed


def child_path(parent: Org | None, pk: int) -> str:
    return (parent.path if parent else "/") + f"{pk:07d}/"


def check_parent(kind: str, parent: Org | None) -> None:
    allowed = ALLOWED_PARENTS[kind]
    if parent is None and allowed:
        raise ValidationError(_("该类型的工会组织必须有上级工会。"), code="parent_required")
    if parent is not None and parent.kind not in allowed:
        raise ValidationError(
            _("%(kind)s不能设在%(parent)s之下。")
            % {"kind": OrgKind(kind).label, "parent": OrgKind(parent.kind).label},
            code="invalid_parent",
        )


@transaction.atomic
def create_org(*, name: str, kind: str, parent: Org | None, actor=None, **fields) -> Org:
    """Create an org under ``parent`` and give it its materialised path."""
    check_parent(kind, parent)
    org = Org(name=name, kind=kind, parent=parent, path="", **fields)
    org.full_clean(exclude=["path"])
    org.save()
    org.path = child_path(parent, org.pk)
    org.depth = 0 if parent is None else parent.depth + 1
    org.save(update_fields=["path", "depth"])
    if actor is not None:
        audit.record("org.create", actor=actor, obj=org)
    return org


def fill_paths(orgs: list[Org], parent: Org) -> None:
    """Set path and depth of freshly bulk-created children of ``parent``."""
    for org in orgs:
        org.path = child_path(parent, org.pk)
        org.depth = parent.depth + 1
    Org.objects.bulk_update(orgs, ["path", "depth"], batch_size=1000)
    tree_changed.send(sender=Org)


@transaction.atomic
def move_org(org: Org, *, new_parent: Org, actor=None) -> Org:
    """Move ``org`` and its whole subtree under ``new_parent`` in one UPDATE."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    new_parent = Org.objects.select_for_update().get(pk=new_parent.pk)
    if new_parent.path.startswith(org.path):
        raise ValidationError(_("不能把工会组织移到它自己的下级之下。"), code="cycle")
    check_parent(org.kind, new_parent)
    old_path, old_parent = org.path, org.parent
    new_path = child_path(new_parent, org.pk)
    depth_change = new_parent.depth + 1 - org.depth
    Org.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_change,
    )
    Org.objects.filter(pk=org.pk).update(parent=new_parent)
    tree_changed.send(sender=Org)
    org.refresh_from_db()
    audit.record(
        "org.move",
        actor=actor,
        obj=org,
        org=new_parent,
        from_parent=old_parent.pk if old_parent else None,
        to_parent=new_parent.pk,
    )
    return org


def subtree(org: Org):
    return Org.objects.filter(path__startswith=org.path)


def validate_uscc(value: str) -> str:
    """Return the normalised credit code or raise a ValidationError a person understands."""
    try:
        return uscc_number.validate((value or "").strip().upper())
    except StdnumError as exc:
        raise ValidationError(
            _("统一社会信用代码无效：应为18位，且校验位正确。请核对营业执照上的代码。"),
            code="invalid_uscc",
        ) from exc


@transaction.atomic
def create_enterprise(*, name: str, uscc: str, street: Org, actor=None, **fields) -> Enterprise:
    """Register an employer; refuse invalid or duplicate credit codes, store nothing then."""
    code = validate_uscc(uscc)
    if street.kind != OrgKind.STREET:
        raise ValidationError(_("用人单位必须登记在街道（乡镇）下。"), code="invalid_street")
    if Enterprise.objects.filter(uscc=code).exists():
        raise ValidationError(_("该统一社会信用代码已登记。"), code="duplicate_uscc")
    enterprise = Enterprise(name=name.strip(), uscc=code, street=street, **fields)
    enterprise.full_clean()
    enterprise.save()
    if actor is not None:
        audit.record("enterprise.create", actor=actor, obj=enterprise)
    return enterprise


@transaction.atomic
def grant_role(*, user, org: Org, role: str, actor=None) -> StaffRole:
    staff_role, _created = StaffRole.objects.get_or_create(user=user, org=org, role=role)
    forget_scope(user)
    if actor is not None:
        audit.record("role.grant", actor=actor, obj=staff_role, user=user.pk, role=role)
    return staff_role


@transaction.atomic
def assign_paired_contact(
    *, street: Org, staff=None, department: str = "", actor=None
) -> PairedContact:
    """Assign the district person or department who keeps contact with a street."""
    if street.kind != OrgKind.STREET or street.parent is None:
        raise ValidationError(_("对口联系只能指派给街道（乡镇）总工会。"), code="invalid_street")
    if staff is None and not department.strip():
        raise ValidationError(_("请指定联系人或联系部门。"), code="contact_required")
    contact, _created = PairedContact.objects.update_or_create(
        street=street,
        defaults={"district": street.parent, "staff": staff, "department": department.strip()},
    )
    if actor is not None:
        audit.record("paired_contact.assign", actor=actor, obj=contact)
    return contact


def paired_contact_coverage(districts: QuerySet[Org]) -> list[dict]:
    """Return, per district, how many of its streets have a paired contact (one query)."""
    rows = districts.annotate(
        n_streets=Count("children", filter=Q(children__kind=OrgKind.STREET), distinct=True),
        n_covered=Count("paired_contacts", distinct=True),
    ).order_by("path")
    return [
        {
            "district": d,
            "streets": d.n_streets,
            "covered": d.n_covered,
            "rate": round(100 * d.n_covered / d.n_streets, 1) if d.n_streets else None,
        }
        for d in rows
    ]


def count_below(orgs: list[Org], kinds: list[str]) -> dict[int, int]:
    """Return {org id: number of orgs of ``kinds`` in its subtree} in one query.

    Orgs at one depth have paths of one length, so grouping by that prefix counts them.
    """
    by_len: dict[int, dict[str, int]] = {}
    for org in orgs:
        by_len.setdefault(len(org.path), {})[org.path] = org.pk
    result: dict[int, int] = {}
    for length, pks in by_len.items():
        rows = (
            Org.objects.filter(kind__in=kinds, depth__gte=1)
            .annotate(prefix=Substr("path", 1, length))
            .filter(prefix__in=list(pks))
            .values("prefix")
            .annotate(n=Count("id"))
        )
        for row in rows:
            result[pks[row["prefix"]]] = row["n"]
    return result
