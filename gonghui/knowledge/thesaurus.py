"""Worker words to statute words, and short topic lines (条旨) for the articles workers
ask about most: two reviewed, versioned data files in ``knowledge/data/``.

- ``thesaurus.json``: entries of worker words (炒鱿鱼, 社保, 押金 …) and the words the
  laws use for them (解除劳动合同, 社会保险, 收取财物 担保 …), each with the article
  it is meant to reach (a test per entry checks the words are in that article and that
  the worker word alone finds it). A worker word is found anywhere in the question
  (Aho-Corasick over the raw text), so it does not depend on how jieba cuts it.
- ``topics.json``: ``stem:number`` → a topic line in everyday words, written from the
  article's own text; it is indexed with the article.
"""

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

DATA_DIR = Path(__file__).resolve().parent / "data"
THESAURUS_FILE = DATA_DIR / "thesaurus.json"
TOPICS_FILE = DATA_DIR / "topics.json"


@dataclass(frozen=True)
class Entry:
    words: tuple[str, ...]
    statute: str
    article: tuple[str, int] | None


def entries() -> list[Entry]:
    raw = json.loads(THESAURUS_FILE.read_text(encoding="utf-8"))["entries"]
    out = []
    for e in raw:
        article = None
        if e.get("article"):
            stem, number = e["article"].split(":")
            article = (stem, int(number))
        out.append(Entry(tuple(e["words"]), e["statute"], article))
    return out


def topics() -> dict[tuple[str, int], str]:
    raw = json.loads(TOPICS_FILE.read_text(encoding="utf-8"))["topics"]
    return {(k.split(":")[0], int(k.split(":")[1])): v for k, v in raw.items()}


class Expander:
    """Finds the thesaurus's worker words in a text and returns the statute tokens."""

    def __init__(self, items: list[Entry]):
        from gonghui.core.text import words

        self.automaton = ahocorasick.Automaton()
        found: dict[str, list[str]] = {}
        for e in items:
            tokens = words(e.statute)
            for w in e.words:
                found.setdefault(w, [])
                found[w] += [t for t in tokens if t not in found[w]]
        for w, tokens in found.items():
            self.automaton.add_word(w, tuple(tokens))
        self.automaton.make_automaton()

    def expand(self, text: str) -> list[str]:
        """The statute tokens of every worker word in ``text`` (each once, in order)."""
        out: list[str] = []
        seen: set[str] = set()
        for _end, tokens in self.automaton.iter(text):
            for t in tokens:
                if t not in seen:
                    seen.add(t)
                    out.append(t)
        return out


_lock = threading.Lock()
_expander: Expander | None = None


def expander() -> Expander:
    global _expander
    if _expander is None:
        with _lock:
            if _expander is None:
                _expander = Expander(entries())
    return _expander
