"""Fixed lists of the service-position network: kinds, amenities, hosts, served groups.

The order of ``AMENITY_BITS`` is part of the stored data (``Position.amenity_mask``):
append new amenities at the end, never reorder.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    SERVICE_CENTRE = "service_centre", _("职工服务中心")
    SERVICE_STATION = "service_station", _("工会服务站")
    WORKER_HOME = "worker_home", _("职工之家")
    WARM_STATION = "warm_station", _("暖心驿站")
    MOTHER_BABY_ROOM = "mother_baby_room", _("爱心妈妈小屋")
    HEART_STATION = "heart_station", _("心灵驿站")
    DRIVER_HOME = "driver_home", _("司机之家")


class Status(models.TextChoices):
    OPEN = "open", _("开放")
    SUSPENDED = "suspended", _("暂停服务")
    CLOSED = "closed", _("已撤销")


class Amenity(models.TextChoices):
    HEATING = "heating", _("取暖")
    COOLING = "cooling", _("纳凉")
    WATER = "water", _("饮水")
    REST = "rest", _("歇脚")
    CHARGING = "charging", _("充电")
    MEDICINE = "medicine", _("用药")
    MICROWAVE = "microwave", _("热饭")
    WIFI = "wifi", _("上网")
    BOOKS = "books", _("看书")
    TOILET = "toilet", _("如厕")
    NURSING = "nursing", _("哺乳")
    COUNSELLING = "counselling", _("心理咨询")
    PARKING = "parking", _("停车")
    SHOWER = "shower", _("洗浴")
    LEGAL = "legal", _("法律咨询")


AMENITY_BITS: dict[str, int] = {value: 1 << i for i, value in enumerate(Amenity.values)}


def amenity_mask(amenities) -> int:
    """Return the bitmask of a list of amenity codes (unknown codes are refused earlier)."""
    mask = 0
    for a in amenities:
        mask |= AMENITY_BITS[a]
    return mask


class Host(models.TextChoices):
    UNION = "union", _("工会阵地")
    ENTERPRISE = "enterprise", _("企业")
    SHOP = "shop", _("商铺")
    COMMUNITY = "community", _("社区服务中心")
    PETROL = "petrol", _("加油站")
    RESTAURANT = "restaurant", _("餐馆")
    BANK = "bank", _("银行网点")
    PARK = "park", _("公园")
    BUILDING = "building", _("商务楼宇")
    HOSPITAL = "hospital", _("医院")
    STATION = "station", _("交通场站")


class Group(models.TextChoices):
    OUTDOOR = "outdoor", _("户外劳动者")
    COURIER = "courier", _("快递员")
    DELIVERY = "delivery", _("外卖送餐员")
    DRIVER = "driver", _("货车司机、网约车司机")
    SANITATION = "sanitation", _("环卫工人")
    WOMEN = "women", _("女职工")
    ALL = "all", _("全体职工")


class Criterion(models.TextChoices):
    """Star-assessment criteria (评星定级); weights in ``CRITERIA_WEIGHTS`` sum to 100."""

    FACILITIES = "facilities", _("设施配备")
    HOURS = "hours", _("按时开放")
    SIGNAGE = "signage", _("标识标牌")
    CLEANLINESS = "cleanliness", _("环境卫生")
    USAGE = "usage", _("使用情况")
    RATINGS = "ratings", _("职工评价")


CRITERIA_WEIGHTS: dict[str, int] = {
    Criterion.FACILITIES: 25,
    Criterion.HOURS: 20,
    Criterion.SIGNAGE: 10,
    Criterion.CLEANLINESS: 15,
    Criterion.USAGE: 15,
    Criterion.RATINGS: 15,
}

# Score (0-100) -> stars: the lowest score that earns each star level.
STAR_THRESHOLDS: list[tuple[int, int]] = [(90, 5), (80, 4), (70, 3), (60, 2), (0, 1)]


def stars_for(score: float) -> int:
    for floor, stars in STAR_THRESHOLDS:
        if score >= floor:
            return stars
    return 1


class ChangeAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    STATUS = "status", _("状态变更")
    CLOSURE = "closure", _("闭馆安排")
    IMPORT = "import", _("导入")
    ASSESS = "assess", _("评星")
