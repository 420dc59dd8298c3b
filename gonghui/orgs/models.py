"""The union tree (1 + 17 + 343 and below), enterprises, staff roles and paired contact."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.orgs.choices import Industry, OrgKind, Ownership, Role, SizeBand

PATH_SEGMENT = 8  # width of one path segment: "/" + 7 digits


def path_segment(pk: int) -> str:
    return f"{pk:07d}/"


class Org(models.Model):
    """A union organisation: the city federation, a district or street federation, or
    a grassroots, joint or industry union below them.

    ``path`` is a materialised path (``/0000001/0000005/``): a subtree is one indexed
    prefix query, and a role held at an org grants exactly that subtree.
    """

    name = models.CharField(_("名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)
    admin_code = models.CharField(
        _("行政区划代码"), max_length=12, blank=True, null=True, unique=True
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lat = models.FloatField(_("纬度（GCJ-02）"), null=True, blank=True)
    lng = models.FloatField(_("经度（GCJ-02）"), null=True, blank=True)
    boundary = models.JSONField(_("辖区边界（GeoJSON，GCJ-02）"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("工会组织")
        verbose_name_plural = _("工会组织")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_org(self) -> "Org":
        return self

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def ancestor_of_kind(self, kind: str) -> "Org | None":
        """Return the org of ``kind`` this org is or lies under (its street, its district),
        or None; the walk stops at the tiers (city, district, street) at or above ``kind``,
        so a grassroots union straight under a district has no street."""
        tiers = [OrgKind.CITY, OrgKind.DISTRICT, OrgKind.STREET]
        stop = set(tiers[: tiers.index(kind) + 1]) if kind in tiers else {kind}
        org = self
        while org is not None and org.kind not in stop:
            org = org.parent
        return org if org is not None and org.kind == kind else None


class Enterprise(models.Model):
    """An employer (用人单位) in the union's area, and the grassroots union covering it."""

    name = models.CharField(_("单位名称"), max_length=150, db_index=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    industry = models.CharField(
        _("行业"), max_length=30, choices=Industry.choices, default=Industry.OTHER
    )
    size_band = models.CharField(
        _("规模"), max_length=10, choices=SizeBand.choices, default=SizeBand.SMALL
    )
    ownership = models.CharField(
        _("所有制"), max_length=15, choices=Ownership.choices, default=Ownership.NON_PUBLIC
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    street = models.ForeignKey(
        Org,
        verbose_name=_("所在街道（乡镇）"),
        on_delete=models.PROTECT,
        related_name="enterprises",
        limit_choices_to={"kind": OrgKind.STREET},
    )
    union = models.ForeignKey(
        Org,
        verbose_name=_("覆盖的基层工会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="covered_enterprises",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_org(self) -> Org:
        return self.street

    @property
    def is_non_public(self) -> bool:
        return self.ownership in {Ownership.NON_PUBLIC, Ownership.FOREIGN}


class StaffRole(models.Model):
    """A role a staff user holds at an org; it grants that org's subtree and nothing beside."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("工作人员"),
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )
    org = models.ForeignKey(
        Org, verbose_name=_("工会组织"), on_delete=models.CASCADE, related_name="staff_roles"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("岗位角色")
        verbose_name_plural = _("岗位角色")
        constraints = [
            models.UniqueConstraint(fields=["user", "org", "role"], name="unique_staff_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.org}"

    @property
    def audit_org(self) -> Org:
        return self.org


class PairedContact(models.Model):
    """Paired contact (对口联系): who at the district federation looks after a street."""

    district = models.ForeignKey(
        Org,
        verbose_name=_("区级总工会"),
        on_delete=models.CASCADE,
        related_name="paired_contacts",
    )
    street = models.OneToOneField(
        Org,
        verbose_name=_("街道（乡镇）总工会"),
        on_delete=models.CASCADE,
        related_name="paired_contact",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联系人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="paired_streets",
    )
    department = models.CharField(_("联系部门"), max_length=60, blank=True)
    assigned_at = models.DateTimeField(_("指派时间"), auto_now=True)

    class Meta:
        verbose_name = _("对口联系")
        verbose_name_plural = _("对口联系")

    def __str__(self) -> str:
        return f"{self.district} → {self.street}"

    @property
    def audit_org(self) -> Org:
        return self.district
