from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    CITY = "city", _("市总工会")
    DISTRICT = "district", _("区级总工会")
    STREET = "street", _("街道（乡镇）总工会")
    GRASSROOTS = "grassroots", _("基层工会")
    AREA_JOINT = "area_joint", _("区域联合工会")
    MOBILE_JOINT = "mobile_joint", _("流动会员联合工会")
    INDUSTRY = "industry", _("行业工会")


# Which kinds may sit under which: the tree of "1 + 17 + 343" and what hangs below.
ALLOWED_PARENTS: dict[str, set[str]] = {
    OrgKind.CITY: set(),
    OrgKind.DISTRICT: {OrgKind.CITY},
    OrgKind.STREET: {OrgKind.DISTRICT},
    # A grassroots union may sit under another one as a branch (分会, 车间工会).
    OrgKind.GRASSROOTS: {
        OrgKind.STREET,
        OrgKind.DISTRICT,
        OrgKind.AREA_JOINT,
        OrgKind.INDUSTRY,
        OrgKind.GRASSROOTS,
    },
    OrgKind.AREA_JOINT: {OrgKind.STREET, OrgKind.DISTRICT},
    OrgKind.MOBILE_JOINT: {OrgKind.STREET, OrgKind.DISTRICT},
    OrgKind.INDUSTRY: {OrgKind.CITY, OrgKind.DISTRICT, OrgKind.STREET},
}


class Role(models.TextChoices):
    OPERATOR = "operator", _("话务员")
    DISPATCHER = "dispatcher", _("派单员")
    HANDLER = "handler", _("承办人")
    SUPERVISOR = "supervisor", _("督办/领导")
    ADMIN = "admin", _("管理员")


class SizeBand(models.TextChoices):
    MICRO = "micro", _("微型（10人以下）")
    SMALL = "small", _("小型（10–99人）")
    MEDIUM = "medium", _("中型（100–999人）")
    LARGE = "large", _("大型（1000人以上）")


class Ownership(models.TextChoices):
    NON_PUBLIC = "non_public", _("非公有制")
    STATE = "state", _("国有")
    COLLECTIVE = "collective", _("集体")
    FOREIGN = "foreign", _("外资")
    INSTITUTION = "institution", _("机关事业单位")


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("制造业")
    CONSTRUCTION = "construction", _("建筑业")
    LOGISTICS = "logistics", _("交通运输、仓储和邮政业")
    RETAIL = "retail", _("批发和零售业")
    HOSPITALITY = "hospitality", _("住宿和餐饮业")
    IT = "it", _("信息传输、软件和信息技术服务业")
    FINANCE = "finance", _("金融业")
    REAL_ESTATE = "real_estate", _("房地产业")
    BUSINESS_SERVICES = "business_services", _("租赁和商务服务业")
    RESIDENT_SERVICES = "resident_services", _("居民服务、修理和其他服务业")
    EDUCATION = "education", _("教育")
    HEALTH = "health", _("卫生和社会工作")
    CULTURE = "culture", _("文化、体育和娱乐业")
    PLATFORM = "platform", _("互联网平台")
    OTHER = "other", _("其他")
