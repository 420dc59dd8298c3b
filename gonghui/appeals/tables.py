"""The small tables every intake reads, held in each process (``ProcessCache`` under the
generation key ``routing``): the routing rules, the deadline policies and the city,
district and street federations (without their boundaries).

Intake used to read them with four to six queries per appeal; they change a few times a
year. Every write to them bumps the generation inside its transaction (signals for
``save``/``delete``, ``TableQuerySet`` for ``update``/``delete``/``bulk_create``,
``orgs.services`` for moves), so this process sees a change at once and the others
within ``CHECK_EVERY`` seconds. The cached ``Org`` instances are shared: read them,
never change and save them.
"""

from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from gonghui.core import generations
from gonghui.core.generations import ProcessCache
from gonghui.orgs.choices import OrgKind
from gonghui.orgs.models import Org
from gonghui.orgs.signals import tree_changed

KEY = "routing"
CHECK_EVERY = 5.0  # seconds another process may route by an old rule or deadline
TIERS = (OrgKind.CITY, OrgKind.DISTRICT, OrgKind.STREET)


@dataclass(frozen=True)
class Rule:
    category: str
    target: str
    auto_dispatch: bool
    note: str
    target_label: str


@dataclass(frozen=True)
class Tables:
    rules: tuple[Rule, ...]  # active rules in priority order
    policies: dict[tuple[str, str], tuple[int, int, int]]  # (urgency, category) -> hours, days
    orgs: dict[int, Org]  # city, districts and streets by id
    city: Org | None


def _build() -> Tables:
    from gonghui.appeals.models import DeadlinePolicy, RoutingRule

    rules = tuple(
        Rule(r.category, r.target, r.auto_dispatch, r.note, str(r.get_target_display()))
        for r in RoutingRule.objects.filter(active=True).order_by("priority", "id")
    )
    policies = {
        (p.urgency, p.category): (p.accept_hours, p.contact_hours, p.resolve_working_days)
        for p in DeadlinePolicy.objects.all()
    }
    orgs = {o.pk: o for o in Org.objects.filter(kind__in=TIERS).defer("boundary")}
    city = next((o for o in orgs.values() if o.kind == OrgKind.CITY), None)
    return Tables(rules, policies, orgs, city)


_cache: ProcessCache[Tables] = ProcessCache(KEY, _build, check_every=CHECK_EVERY)


def get() -> Tables:
    return _cache.get()


def org(pk: int | None) -> Org | None:
    """Return the city, district or street ``pk`` from the table (a query for any other
    org, or one created since the copy was made)."""
    if pk is None:
        return None
    found = get().orgs.get(pk)
    if found is None:
        found = Org.objects.defer("boundary").filter(pk=pk).first()
    return found


def city() -> Org:
    found = get().city
    return found if found is not None else Org.objects.defer("boundary").get(kind=OrgKind.CITY)


def parent_of(org_: Org) -> Org | None:
    return org(org_.parent_id)


def changed() -> None:
    """Call inside a transaction that changed a routing rule, deadline or tier org."""
    generations.bump(KEY)


def clear() -> None:
    """Drop this process's copy (tests: a rolled-back change must not stay cached)."""
    _cache.clear()


@receiver(post_save, sender=Org)
@receiver(post_delete, sender=Org)
def _org_changed(sender, instance: Org, **kwargs) -> None:
    if instance.kind in TIERS:
        changed()


@receiver(tree_changed)
def _table_changed(sender, **kwargs) -> None:
    changed()


def connect(*models) -> None:
    """Bump the generation whenever a row of ``models`` is saved or deleted."""
    for model in models:
        post_save.connect(_table_changed, sender=model, dispatch_uid=f"routing-{model.__name__}")
        post_delete.connect(
            _table_changed, sender=model, dispatch_uid=f"routing-{model.__name__}-del"
        )
