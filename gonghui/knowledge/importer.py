"""Read the laws and typical cases of ``SHARED_DATA_DIR/laws`` into documents and
articles; running it again updates the same rows."""

import re
from pathlib import Path

from django.conf import settings
from django.db import transaction

from gonghui.knowledge.models import Article, Document

DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
UNITS = {"十": 10, "百": 100, "千": 1000}
ARTICLE = re.compile(r"^(第([零〇一二两三四五六七八九十百千]+)条)\s*(.*)$")
NOTICE_ITEM = re.compile(r"^([一二三四五六七八九十]+)、(.*)$")
LONE_ITEM = re.compile(r"^([一二三四五六七八九十]+)()$")  # a heading "三" with no title


def chinese_number(text: str) -> int:
    """Return the value of a Chinese numeral such as 一百零八 (108) or 十五 (15)."""
    total, digit = 0, 0
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in UNITS:
            total += (digit or 1) * UNITS[ch]
            digit = 0
    return total + digit


def laws_dir() -> Path:
    return Path(settings.SHARED_DATA_DIR) / "laws"


def parse(path: Path) -> tuple[str, str, list[tuple[str, int, str, str]]]:
    """Return (title, header, [(chapter, number, label, text)]) of one law file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    title = lines[0].lstrip("# ").strip()
    header, body = [], []
    seen_end = False
    for line in lines[1:]:
        if "<!-- INFO END -->" in line:
            seen_end = True
            continue
        (body if seen_end else header).append(line)
    articles: list[list] = []
    chapter = ""
    for raw in body:
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            heading = line.lstrip("# ").strip()
            if re.match(r"^第.+章", heading) or not articles:
                chapter = heading
            continue
        m = ARTICLE.match(line)
        if m:
            articles.append([chapter, chinese_number(m.group(2)), m.group(1), m.group(3)])
        elif articles:
            articles[-1][3] += "\n" + line
        else:
            n = NOTICE_ITEM.match(line)
            if n is None:
                continue
    if not articles:  # a notice with numbered items (一、二、…), headings or paragraphs
        for raw in body:
            line = raw.strip().lstrip("# ").strip()
            if not line:
                continue
            n = NOTICE_ITEM.match(line) or LONE_ITEM.match(line)
            if n:
                number = chinese_number(n.group(1))
                articles.append(["", number, f"第{n.group(1)}项", n.group(2) or ""])
            elif articles:  # the item's paragraphs (the formulas of item 二 …)
                articles[-1][3] += "\n" + line
    header_text = "\n".join(h for h in header if h.strip())
    return title, header_text, [tuple(a) for a in articles]


def parse_case(path: Path) -> tuple[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    title = lines[0].lstrip("# ").strip()
    body = "\n".join(
        line.strip() for line in lines[1:] if line.strip() and "<!-- INFO END -->" not in line
    )
    return title, body


def _store(doc: Document, articles: list[tuple[str, int, str, str]]) -> None:
    """Make the document's articles exactly ``articles`` (created, updated or deleted)."""
    existing = {a.number: a for a in doc.articles.all()}
    new, changed = [], []
    for chapter, number, label, text in articles:
        text = text.strip()
        art = existing.pop(number, None)
        if art is None:
            new.append(
                Article(document=doc, chapter=chapter, number=number, label=label, text=text)
            )
        elif (art.chapter, art.label, art.text) != (chapter, label, text):
            art.chapter, art.label, art.text = chapter, label, text
            changed.append(art)
    Article.objects.bulk_create(new)
    Article.objects.bulk_update(changed, ["chapter", "label", "text"])
    if existing:
        Article.objects.filter(pk__in=[a.pk for a in existing.values()]).delete()


def import_laws(progress=None) -> dict[str, int]:
    """Import every law and case; return counts. Idempotent: rows are matched by stem."""
    root = laws_dir()
    counts = {"documents": 0, "articles": 0}
    jobs = []
    for path in sorted(root.glob("*.md")):
        if path.name != "SOURCES.md":
            title, header, articles = parse(path)
            jobs.append((path.stem, Document.Kind.LAW, title, header, articles))
    for path in sorted((root / "typical_cases").glob("*.md")):
        title, body = parse_case(path)
        jobs.append(
            (f"case_{path.stem}", Document.Kind.CASE, title, "", [("", 0, "典型案例", body)])
        )
    for stem, kind, title, header, articles in jobs:
        with transaction.atomic():
            doc, _ = Document.objects.update_or_create(
                stem=stem, defaults={"kind": kind, "title": title, "header": header}
            )
            _store(doc, articles)
        counts["documents"] += 1
        counts["articles"] += len(articles)
        if progress:
            progress()
    return counts


def file_count() -> int:
    root = laws_dir()
    return len([p for p in root.glob("*.md") if p.name != "SOURCES.md"]) + len(
        list((root / "typical_cases").glob("*.md"))
    )
