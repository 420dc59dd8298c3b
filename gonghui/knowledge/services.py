"""Writes to the knowledge base: curated answers (with audit)."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.knowledge.access import visible_answers as visible_answers  # re-exported
from gonghui.knowledge.importer import chinese_number
from gonghui.knowledge.models import Answer, Article
from gonghui.orgs import access

REF = re.compile(r"^\s*([a-z0-9_]+)\s*[:：]\s*(\d+|第?[零一二两三四五六七八九十百千]+条?)\s*$")


def parse_refs(value: str) -> list[Article]:
    """Return the articles named as ``stem:number`` (or ``stem:第三十条``), one per line
    or comma; refuse anything that names no article."""
    found = []
    for part in re.split(r"[,，\n;；]+", value or ""):
        if not part.strip():
            continue
        m = REF.match(part)
        if m is None:
            raise ValidationError(
                _("引用法条格式应为“文件名:条号”，例如 labour_contract_law:30。"),
                code="invalid_article",
            )
        raw = m.group(2)
        number = int(raw) if raw.isdigit() else chinese_number(raw.strip("第条"))
        art = Article.objects.filter(document__stem=m.group(1), number=number).first()
        if art is None:
            raise ValidationError(
                _("没有找到法条：%(ref)s。") % {"ref": part.strip()}, code="invalid_article"
            )
        found.append(art)
    return found


def save_answer(
    *,
    actor,
    question: str,
    answer: str,
    owner_org,
    review_by: date,
    articles: list[Article],
    active: bool = True,
    instance: Answer | None = None,
    request=None,
) -> Answer:
    """Create or update a curated answer owned by an org the actor may see."""
    question, answer = (question or "").strip(), (answer or "").strip()
    if not question or not answer:
        raise ValidationError(_("请填写问题和答复。"), code="required")
    if not access.can_see(actor, owner_org):
        raise ValidationError(_("维护单位不在您的辖区内。"), code="invalid_org")
    with transaction.atomic():
        obj = instance or Answer()
        obj.question, obj.answer = question[:300], answer
        obj.owner_org, obj.review_by, obj.active = owner_org, review_by, active
        obj.updated_by = actor
        obj.save()
        obj.articles.set(articles)
        audit.record(
            "knowledge.answer.update" if instance else "knowledge.answer.create",
            actor=actor,
            obj=obj,
            request=request,
        )
    return obj


def articles_for(text: str, *, limit: int = 5) -> list:
    """Return the articles, cases and answers that fit a worker's text best (for the
    operator and handler screens)."""
    from gonghui.knowledge import search

    return search.search(text[:1000], limit=limit) if text and text.strip() else []
