"""Template context for every page: the console's module menu."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Modules appear here as their issues land; a module that does not exist is not listed.
CONSOLE_MODULES = [
    ("core:home", _("工作台")),
    ("orgs:browser", _("组织架构")),
    ("orgs:coverage", _("对口联系")),
    ("appeals:queues", _("诉求工单")),
    ("stations:index", _("服务阵地")),
    ("members:applications", _("会员与建会")),
    ("knowledge:index", _("政策知识库")),
    ("warnings:index", _("预警研判")),
    ("rights:disputes", _("调解与法律援助")),
    ("surveys:index", _("问卷调查")),
    ("care:applications", _("帮扶救助")),
    ("core:audit", _("审计日志")),
]


def console(request):
    if not request.path.startswith("/console/") or not request.user.is_authenticated:
        return {}
    return {
        "console_modules": [
            {
                "url": reverse(name),
                "label": label,
                "active": _is_active(request.path, reverse(name)),
            }
            for name, label in CONSOLE_MODULES
        ]
    }


def _is_active(path: str, url: str) -> bool:
    return path == url or (url != reverse("core:home") and path.startswith(url))
