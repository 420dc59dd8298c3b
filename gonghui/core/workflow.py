"""Every case type's life in one table: which step moves which status, who may take it,
and at which org the role must be held.

A case type (appeal, join application, transfer, warning, and the later mediation,
legal-aid, relief and contract cases) declares one ``Workflow``: its transitions and,
for each ``where`` name a transition uses, how to find that org on a case. Services
call ``check`` inside their transaction (after locking the row) and write
``target``; pages and the API call ``allowed`` to show only the steps a person may
take. ``core`` knows no app, not even ``orgs``: the role lookup is registered by
``orgs`` at start-up (``set_role_lookup``), as sweeps and generations are.

Errors: a step the workflow does not have is ``UnknownAction`` (404), a status that
does not allow it ``Conflict`` (409), a role that does not allow it ``Forbidden`` (403).
Seeing the case at all is the app's ``access.py`` (404 outside scope), checked before.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from gonghui.core.errors import Conflict, Forbidden, UnknownAction

# Roles held by ``actor`` at ``org`` or above it; ``strictly_above`` leaves the org out.
RoleLookup = Callable[..., set[str]]
_role_lookup: RoleLookup | None = None

# Pseudo-roles for steps no staff role takes: the worker on their own case, the system.
WORKER = "worker"
SYSTEM = "system"

REGISTRY: dict[str, "Workflow"] = {}


def set_role_lookup(fn: RoleLookup) -> None:
    global _role_lookup
    _role_lookup = fn


def roles_at(actor, org, *, strictly_above: bool = False, here_only: bool = False) -> set[str]:
    """Return the roles ``actor`` holds at ``org`` or above it (``strictly_above``: above
    only; ``here_only``: at ``org`` itself only)."""
    if actor is None or org is None or _role_lookup is None:
        return set()
    return set(_role_lookup(actor, org, strictly_above=strictly_above, here_only=here_only))


@dataclass(frozen=True)
class Transition:
    """One step: from any of ``sources`` to ``target`` (None: the status stays)."""

    action: str
    sources: frozenset
    target: str | None
    roles: frozenset
    where: str
    label: Any
    public: bool = True  # shown on the worker's timeline
    above: bool = False  # the role must be held strictly above the ``where`` org (督办)
    # Roles that count only when held at the ``where`` org itself (the owning org's own
    # staff): a city dispatcher does not sign for a street's appeal; other roles (an
    # admin) still count from above.
    own: frozenset = frozenset()


def t(
    action: str,
    sources: Iterable[str],
    target: str | None,
    roles: Iterable[str],
    where: str,
    label: Any,
    *,
    public: bool = True,
    above: bool = False,
    own: Iterable[str] = (),
) -> Transition:
    """Build a Transition from plain iterables (tables read better this way)."""
    return Transition(
        action,
        frozenset(sources),
        target,
        frozenset(roles),
        where,
        label,
        public,
        above,
        frozenset(own),
    )


@dataclass
class Workflow:
    """A case type's transition table and how to find the orgs its roles are held at.

    ``orgs`` maps each ``where`` name to a function of the case returning an org (or
    None when the case has none yet); ``status_labels`` turns a status into words for
    the 409 message; ``extra_roles`` may widen a step's roles for one case (e.g. a
    supervisor decides a third return of an appeal). ``messages`` may word the refusals
    in the case type's own terms: ``conflict`` (formatted with ``status`` and
    ``action``), ``no_org`` and ``forbidden``; the codes stay the same everywhere."""

    name: str
    transitions: list[Transition]
    orgs: dict[str, Callable[[Any], Any]]
    status_labels: Callable[[str], str] = str
    status_field: str = "status"
    extra_roles: Callable[[Any, Transition], frozenset] | None = None
    messages: dict[str, Any] = field(default_factory=dict)
    table: dict[str, Transition] = field(init=False)

    def __post_init__(self) -> None:
        self.table = {tr.action: tr for tr in self.transitions}
        if len(self.table) != len(self.transitions):
            raise ValueError(f"workflow {self.name}: an action appears twice")
        for tr in self.transitions:
            if tr.where not in self.orgs and tr.where not in (WORKER, SYSTEM):
                raise ValueError(f"workflow {self.name}: no org for where={tr.where!r}")
        REGISTRY[self.name] = self

    def __contains__(self, action: str) -> bool:
        return action in self.table

    def __getitem__(self, action: str) -> Transition:
        try:
            return self.table[action]
        except KeyError as exc:
            raise UnknownAction(_("没有这个操作。"), code="unknown_action") from exc

    @property
    def actions(self) -> list[str]:
        return list(self.table)

    def label(self, action: str) -> str:
        tr = self.table.get(action)
        return str(tr.label) if tr else action

    def status_of(self, case) -> str:
        return getattr(case, self.status_field)

    def can_apply(self, action: str, status: str) -> bool:
        return status in self[action].sources

    def org_for(self, case, tr: Transition):
        return self.orgs[tr.where](case) if tr.where in self.orgs else None

    def roles_for(self, case, tr: Transition) -> frozenset:
        roles = tr.roles
        if self.extra_roles is not None:
            roles = roles | self.extra_roles(case, tr)
        return roles

    def check(self, case, action: str, actor) -> Transition:
        """Return the transition if ``actor`` may take ``action`` on ``case`` now; raise
        Conflict (status) or Forbidden (role) otherwise. Call after locking the row."""
        tr = self[action]
        status = self.status_of(case)
        if status not in tr.sources:
            message = self.messages.get("conflict") or _(
                "当前状态（%(status)s）不能进行“%(action)s”操作。"
            )
            raise Conflict(
                str(message) % {"status": self.status_labels(status), "action": tr.label},
                code="invalid_transition",
            )
        if tr.where in (WORKER, SYSTEM):
            return tr
        org = self.org_for(case, tr)
        if org is None:
            raise Conflict(
                str(self.messages.get("no_org") or _("该事项尚未明确承办单位，不能进行此操作。")),
                code="invalid_transition",
            )
        if not self._held(actor, org, tr, {}) & self.roles_for(case, tr):
            raise Forbidden(
                str(self.messages.get("forbidden") or _("您的岗位不能对该事项进行此操作。")),
                code="forbidden_role",
            )
        return tr

    def target_of(self, action: str, case=None) -> str:
        """Return the status ``action`` moves a case to (its current one when it stays)."""
        tr = self[action]
        if tr.target is None:
            return self.status_of(case) if case is not None else ""
        return tr.target

    def allowed(self, case, actor) -> list[Transition]:
        """Return the staff steps ``actor`` may take on ``case`` now, in table order."""
        status = self.status_of(case)
        found = []
        cache: dict[tuple, set[str]] = {}
        for tr in self.transitions:
            if status not in tr.sources or tr.where in (WORKER, SYSTEM):
                continue
            org = self.org_for(case, tr)
            if org is None:
                continue
            if self._held(actor, org, tr, cache) & self.roles_for(case, tr):
                found.append(tr)
        return found

    @staticmethod
    def _held(actor, org, tr: Transition, cache: dict) -> set[str]:
        """Return the roles that count for ``tr`` at ``org``: held at or above it (or
        strictly above), except ``tr.own`` roles, which count only at ``org`` itself."""
        key = (org.pk, tr.above)
        if key not in cache:
            cache[key] = roles_at(actor, org, strictly_above=tr.above)
        held = cache[key]
        if not tr.own or not held & tr.own:
            return held - tr.own
        here_key = (org.pk, "here")
        if here_key not in cache:
            cache[here_key] = roles_at(actor, org, here_only=True)
        return (held - tr.own) | (cache[here_key] & tr.own)
