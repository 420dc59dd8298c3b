"""Fetch curated answers (人工审定答复) with permission: staff see the answers their
subtree's orgs own (404 otherwise); the public search reads published answers only."""

from django.db.models import QuerySet
from django.http import Http404

from gonghui.knowledge.models import Answer
from gonghui.orgs import access


def visible_answers(principal) -> QuerySet[Answer]:
    return Answer.objects.filter(access.scope_q(principal, "owner_org__path"))


def get_answer_for(principal, pk, *, write: bool = False) -> Answer:
    """Return an answer the principal may see (404 otherwise). Every staff role in
    scope may edit answers today, so ``write`` asks nothing more."""
    try:
        return visible_answers(principal).get(pk=pk)
    except (Answer.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
