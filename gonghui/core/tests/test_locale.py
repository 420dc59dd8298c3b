"""The English locale is complete, in step with the source, and what API clients get.

The source language is Chinese; every user-facing string goes through gettext and
``locale/en/LC_MESSAGES/django.po`` must translate all of them. When a test here
fails, run (from the repository root)::

    .venv/bin/python manage.py makemessages -l en --ignore=.venv --ignore=node_modules \
        --ignore=var --ignore=static/vendor

then translate what is new and check with
``msgfmt --check --statistics -o /dev/null locale/en/LC_MESSAGES/django.po``.
"""

import ast
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

REPO = Path(__file__).resolve().parents[3]
EN_PO = REPO / "locale" / "en" / "LC_MESSAGES" / "django.po"
# The same folders the project's makemessages command ignores.
IGNORED = [".venv", "node_modules", "var", "static/vendor"]
SOURCE_SUFFIXES = (".py", ".html", ".txt")  # what makemessages reads for the django domain
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

BAD_PHONE_ZH = "请输入有效的中国大陆手机号码（11位，以1开头）。"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)


def read_po(path: Path) -> list[Entry]:
    """Return the live entries of a .po file (obsolete ``#~`` entries left out)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: str | None = None
    flags: set[str] = set()

    def append(text: str) -> None:
        value = ast.literal_eval(text)
        if target == "msgstr":
            entry.msgstrs[-1] += value
        else:
            setattr(entry, target, (getattr(entry, target) or "") + value)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            append(line)
            continue
        if keyword in ("msgctxt", "msgid") and (entry is None or target == "msgstr"):
            entry = Entry(flags=flags, line=number)
            entries.append(entry)
            flags = set()
        if keyword.startswith("msgstr"):
            entry.msgstrs.append("")
            target = "msgstr"
        else:
            target = keyword
        append(rest)
    return entries


def catalog() -> list[Entry]:
    """Return the English catalog without its header entry."""
    return [e for e in read_po(EN_PO) if e.msgid or e.msgctxt]


def require(program: str) -> None:
    if shutil.which(program) is None:
        pytest.fail(f"{program} is missing: install gettext (`make system-deps`).")


def copy_sources(dest: Path) -> None:
    """Copy every file makemessages would read, so it can run without touching the repo."""
    for dirpath, dirnames, filenames in os.walk(REPO):
        here = Path(dirpath)
        rel = here.relative_to(REPO)
        dirnames[:] = [
            d
            for d in dirnames
            if not d.startswith(".") and d != "__pycache__" and (rel / d).as_posix() not in IGNORED
        ]
        for name in filenames:
            # ``x.html.py`` is makemessages' own scratch file from a concurrent run.
            if not name.endswith(SOURCE_SUFFIXES) or name.endswith((".html.py", ".txt.py")):
                continue
            (dest / rel).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(here / name, dest / rel / name)


def test_it_translates_every_english_entry():
    entries = catalog()
    untranslated = [e for e in entries if not e.msgstrs or not all(e.msgstrs)]
    fuzzy = [e for e in read_po(EN_PO) if "fuzzy" in e.flags]  # the header too
    assert entries
    assert not untranslated, "untranslated in django.po:\n" + "\n".join(
        f"  line {e.line}: {e.msgid!r}" for e in untranslated
    )
    assert not fuzzy, "fuzzy in django.po (check, then drop the flag):\n" + "\n".join(
        f"  line {e.line}: {e.msgid!r}" for e in fuzzy
    )


# Chinese punctuation left in an English string reads as a typo (a full-width colon after
# "Ticket", a Chinese comma in a sentence); Chinese brackets of a name stay allowed.
FULL_WIDTH_PUNCTUATION = re.compile("[：，。；！？、]")


def test_it_writes_english_with_english_punctuation():
    wrong = [
        (e.line, text)
        for e in catalog()
        for text in e.msgstrs
        if FULL_WIDTH_PUNCTUATION.search(text)
    ]
    assert not wrong, "full-width punctuation in English strings:\n" + "\n".join(
        f"  line {line}: {text!r}" for line, text in wrong
    )


def test_it_compiles_the_english_catalog_cleanly():
    require("msgfmt")
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(EN_PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    # --check also compares the %(name)s placeholders of every python-format entry.
    assert result.returncode == 0, result.stderr
    stats = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ translated messages?\.", stats), stats


def test_it_has_a_plural_form_for_every_plural_entry():
    plurals = [e for e in catalog() if e.msgid_plural is not None]
    assert all(len(e.msgstrs) == 2 for e in plurals), [e.msgid for e in plurals]


def test_it_keeps_the_po_in_step_with_the_source(tmp_path, settings, monkeypatch):
    require("xgettext")
    require("msgmerge")
    copy_sources(tmp_path)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command(
        "makemessages", locale=["en"], ignore_patterns=IGNORED, verbosity=0, stdout=StringIO()
    )
    fresh = {e.key for e in read_po(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")}
    fresh.discard((None, "", None))
    ours = {e.key for e in catalog()}
    missing = sorted(fresh - ours, key=str)
    stale = sorted(ours - fresh, key=str)
    assert not missing and not stale, (
        "locale/en/LC_MESSAGES/django.po is out of date; run makemessages (see module doc).\n"
        f"missing from the .po: {[k[1] for k in missing]}\n"
        f"no longer in the source: {[k[1] for k in stale]}"
    )


@pytest.fixture
def compiled_en(settings, tmp_path):
    """Compile the .po as it is now, so the API is tested against it and not a stale .mo."""
    require("msgfmt")
    out = tmp_path / "compiled" / "en" / "LC_MESSAGES"
    out.mkdir(parents=True)
    subprocess.run(["msgfmt", "--check", "-o", str(out / "django.mo"), str(EN_PO)], check=True)
    settings.LOCALE_PATHS = [tmp_path / "compiled"]


def post_bad_phone(client, **headers):
    return client.post(
        "/api/v1/auth/otp/request",
        data={"phone": "123"},
        content_type="application/json",
        **headers,
    )


@pytest.mark.django_db
def test_it_answers_an_api_error_in_english_when_asked(client, compiled_en):
    response = post_bad_phone(client, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_phone"
    with translation.override("en"):
        expected = translation.gettext(BAD_PHONE_ZH)
    assert body["detail"] == expected
    assert not HAN.search(body["detail"]), body["detail"]
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
def test_it_answers_an_api_error_in_chinese_by_default(client, compiled_en):
    response = post_bad_phone(client)
    assert response.status_code == 422
    assert response.json() == {"detail": BAD_PHONE_ZH, "code": "invalid_phone"}
