"""The service-position network (服务阵地): warm stations, worker homes, service centres.

A position is a place a union runs or certifies where workers can rest, drink water,
charge a phone and more. Points are stored in GCJ-02 like the district boundaries.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.orgs.models import Org
from gonghui.stations.choices import AMENITY_BITS, ChangeAction, Host, Kind, Status


def empty_week() -> list:
    return [[] for _ in range(7)]


class Position(models.Model):
    """A service position (服务阵地) of one kind, managed by its owner org and those above.

    ``hours`` is the weekly schedule: seven lists (Monday first) of ``["HH:MM", "HH:MM"]``
    slots; a slot whose end is not after its start runs past midnight into the next
    day, and ``["00:00", "24:00"]`` is a 24-hour day (see ``hours.py``).
    """

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=120)
    owner = models.ForeignKey(
        Org, verbose_name=_("主管工会"), on_delete=models.PROTECT, related_name="positions"
    )
    district = models.ForeignKey(
        Org,
        verbose_name=_("所在区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="district_positions",
    )
    street = models.ForeignKey(
        Org,
        verbose_name=_("所在街道（乡镇）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="street_positions",
    )
    host_kind = models.CharField(_("依托单位类型"), max_length=20, choices=Host.choices)
    host_name = models.CharField(_("依托单位"), max_length=150, blank=True)
    address = models.CharField(_("地址"), max_length=200)
    lat = models.FloatField(_("纬度（GCJ-02）"))
    lng = models.FloatField(_("经度（GCJ-02）"))
    amenities = models.JSONField(_("服务功能"), default=list)
    amenity_mask = models.BigIntegerField(_("服务功能位图"), default=0, editable=False)
    served_groups = models.JSONField(_("服务对象"), default=list)
    hours = models.JSONField(_("每周开放时间"), default=empty_week)
    closed_on_holidays = models.BooleanField(_("法定节假日闭馆"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    # A station's own service phone is printed on its sign: public, not personal data.
    contact_phone = models.CharField(_("服务电话"), max_length=30, blank=True)
    stars = models.PositiveSmallIntegerField(
        _("星级"), default=0, validators=[MaxValueValidator(5)]
    )
    last_assessed_on = models.DateField(_("最近评星日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("服务阵地")
        verbose_name_plural = _("服务阵地")
        ordering = ["pk"]
        indexes = [models.Index(fields=["district", "kind"], name="stations_district_kind")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.amenity_mask = sum(AMENITY_BITS.get(a, 0) for a in set(self.amenities))
        super().save(*args, **kwargs)

    @property
    def audit_org(self) -> Org:
        return self.owner


class Closure(models.Model):
    """Dated closure (闭馆) of a position, e.g. for repairs or a holiday: whole days."""

    position = models.ForeignKey(
        Position, verbose_name=_("服务阵地"), on_delete=models.CASCADE, related_name="closures"
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    reason = models.CharField(_("原因"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("闭馆安排")
        verbose_name_plural = _("闭馆安排")
        ordering = ["start"]

    def __str__(self) -> str:
        return f"{self.position} {self.start}–{self.end}"


class Photo(models.Model):
    """A photo of a position shown on its public page (optional)."""

    position = models.ForeignKey(
        Position, verbose_name=_("服务阵地"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("照片"), upload_to="stations/%Y/%m/")
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("阵地照片")
        verbose_name_plural = _("阵地照片")

    def __str__(self) -> str:
        return self.caption or self.image.name


class PositionChange(models.Model):
    """One entry of a position's change history: who changed which fields from what to what."""

    position = models.ForeignKey(
        Position, verbose_name=_("服务阵地"), on_delete=models.CASCADE, related_name="changes"
    )
    action = models.CharField(_("操作"), max_length=10, choices=ChangeAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人名称"), max_length=100, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("阵地变更记录")
        verbose_name_plural = _("阵地变更记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.position_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class CheckIn(models.Model):
    """A worker used a station ("I used this station"), with what they used.

    ``hour`` is the check-in time truncated to the hour: one check-in per device (and per
    signed-in worker) per station per hour, enforced by unique constraints.
    """

    position = models.ForeignKey(
        Position, verbose_name=_("服务阵地"), on_delete=models.CASCADE, related_name="checkins"
    )
    device = models.CharField(_("设备标识"), max_length=64)
    worker = models.ForeignKey(
        "accounts.Worker",
        verbose_name=_("职工"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checkins",
    )
    used = models.JSONField(_("使用的服务"), default=list)
    hour = models.DateTimeField(_("时段"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("使用打卡")
        verbose_name_plural = _("使用打卡")
        constraints = [
            models.UniqueConstraint(
                fields=["position", "device", "hour"], name="stations_checkin_device_hour"
            ),
            models.UniqueConstraint(
                fields=["position", "worker", "hour"],
                condition=models.Q(worker__isnull=False),
                name="stations_checkin_worker_hour",
            ),
        ]
        indexes = [models.Index(fields=["position", "at"], name="stations_checkin_pos_at")]

    def __str__(self) -> str:
        return f"{self.position_id} @ {self.hour:%Y-%m-%d %H}:00"


class Rating(models.Model):
    """A signed-in worker's rating (1–5) and comment of a station; one per worker, updatable."""

    position = models.ForeignKey(
        Position, verbose_name=_("服务阵地"), on_delete=models.CASCADE, related_name="ratings"
    )
    worker = models.ForeignKey(
        "accounts.Worker", verbose_name=_("职工"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField(
        _("评分"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(_("评价"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), auto_now=True)

    class Meta:
        verbose_name = _("职工评价")
        verbose_name_plural = _("职工评价")
        constraints = [
            models.UniqueConstraint(fields=["position", "worker"], name="stations_rating_once")
        ]

    def __str__(self) -> str:
        return f"{self.position_id}: {self.score}"


class Assessment(models.Model):
    """A dated star assessment (评星定级): a score per criterion, the total and the stars."""

    position = models.ForeignKey(
        Position, verbose_name=_("服务阵地"), on_delete=models.CASCADE, related_name="assessments"
    )
    assessed_on = models.DateField(_("评定日期"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评定人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scores = models.JSONField(_("各项得分"), default=dict)
    total = models.FloatField(_("总分"))
    stars = models.PositiveSmallIntegerField(_("星级"))
    note = models.CharField(_("评定意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评星记录")
        verbose_name_plural = _("评星记录")
        ordering = ["-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.position_id} {self.assessed_on}: {self.stars}★"


class PositionReport(models.Model):
    """A problem reported at a station ("report a problem here"): the appeal it filed."""

    position = models.ForeignKey(
        Position, verbose_name=_("服务阵地"), on_delete=models.CASCADE, related_name="reports"
    )
    appeal = models.OneToOneField(
        "appeals.Appeal", verbose_name=_("诉求工单"), on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("阵地问题反映")
        verbose_name_plural = _("阵地问题反映")

    def __str__(self) -> str:
        return f"{self.position_id} → {self.appeal_id}"
