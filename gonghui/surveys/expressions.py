"""A small, safe evaluator for the XLSForm (XPath) expressions surveys support.

Respondents' browsers evaluate ``relevant``, ``constraint``, ``required``,
``choice_filter`` and ``calculation`` to show the form; the server evaluates them
again at submit with this module, so nothing a respondent could not see is stored.
It is a tokenizer and a recursive-descent parser into a tree of tuples, walked by
``evaluate``: no ``eval``, no attribute access, a fixed table of functions, and a cap
on length and depth so a hostile form cannot make the server work hard.

Supported: ``${name}``, ``.`` (the question's own value), numbers, quoted strings,
``and or not()``, ``= != < <= > >=``, ``+ - * div mod``, parentheses, and the
functions in ``FUNCTIONS``. Inside ``choice_filter`` a bare word is a column of the
choices sheet (``district=${district}``).
"""

import math
import re
from datetime import date
from functools import lru_cache
from typing import Any

from django.utils import timezone

MAX_LENGTH = 1000
MAX_DEPTH = 40


class ExpressionError(ValueError):
    """A form expression outside the supported subset (the import names its cell)."""


TOKEN = re.compile(
    r"""\s*(?:
      (?P<ref>\$\{[A-Za-z_][A-Za-z0-9_.\-]*\})
    | (?P<number>\d+(?:\.\d+)?|\.\d+)
    | (?P<string>'[^']*'|"[^"]*")
    | (?P<op><=|>=|!=|=|<|>|\+|-|\*|\(|\)|,)
    | (?P<dot>\.(?![0-9]))
    | (?P<name>[A-Za-z_][A-Za-z0-9_\-]*(?:\:[A-Za-z_][A-Za-z0-9_\-]*)?)
    )""",
    re.VERBOSE,
)

FUNCTIONS = {
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (1, 1),
    "not": (1, 1),
    "today": (0, 0),
    "date": (1, 1),
    "regex": (2, 2),
    "true": (0, 0),
    "false": (0, 0),
    "number": (1, 1),
    "int": (1, 1),
    "concat": (1, 20),
    "if": (3, 3),
    "coalesce": (2, 2),
    "contains": (2, 2),
    "selected-at": (2, 2),
}
WORD_OPS = {"and", "or", "div", "mod"}


def tokenize(source: str) -> list[tuple[str, str]]:
    if len(source) > MAX_LENGTH:
        raise ExpressionError("expression too long")
    tokens, pos = [], 0
    text = source.rstrip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ExpressionError(f"cannot read the expression at {text[pos : pos + 10]!r}")
        kind = m.lastgroup
        value = m.group(kind)
        if kind == "name" and value in WORD_OPS:
            kind = "op"
        tokens.append((kind, value))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise ExpressionError(f"expected {value or 'more'}")
        self.i += 1
        return tok

    def binary(self, ops: set[str], sub):
        left = sub()
        while (tok := self.peek()) is not None and tok[0] == "op" and tok[1] in ops:
            self.i += 1
            left = ("bin", tok[1], left, sub())
        return left

    def parse(self):
        node = self.or_()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()[1]!r}")
        return node

    def or_(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("expression nested too deep")
        try:
            return self.binary({"or"}, self.and_)
        finally:
            self.depth -= 1

    def and_(self):
        return self.binary({"and"}, self.cmp)

    def cmp(self):
        return self.binary({"=", "!=", "<", "<=", ">", ">="}, self.add)

    def add(self):
        return self.binary({"+", "-"}, self.mul)

    def mul(self):
        return self.binary({"*", "div", "mod"}, self.unary)

    def unary(self):
        tok = self.peek()
        if tok == ("op", "-"):
            self.i += 1
            return ("neg", self.unary())
        return self.primary()

    def primary(self):
        kind, value = self.take()
        if kind == "number":
            return ("lit", float(value))
        if kind == "string":
            return ("lit", value[1:-1])
        if kind == "ref":
            return ("ref", value[2:-1])
        if kind == "dot":
            return ("self",)
        if kind == "op" and value == "(":
            node = self.or_()
            self.take(")")
            return node
        if kind == "name":
            if self.peek() == ("op", "("):
                if value not in FUNCTIONS:
                    raise ExpressionError(f"function {value}() is not supported")
                self.i += 1
                args = []
                if self.peek() != ("op", ")"):
                    args.append(self.or_())
                    while self.peek() == ("op", ","):
                        self.i += 1
                        args.append(self.or_())
                self.take(")")
                low, high = FUNCTIONS[value]
                if not low <= len(args) <= high:
                    raise ExpressionError(f"{value}() takes {low}–{high} arguments")
                if value == "regex" and args[1][0] != "lit":
                    raise ExpressionError("regex() needs a quoted pattern")
                return ("call", value, tuple(args))
            return ("column", value)
        raise ExpressionError(f"unexpected {value!r}")


@lru_cache(maxsize=4096)
def parse(source: str):
    """Return the tree of ``source`` (cached: a form's expressions repeat at every submit)."""
    return _Parser(tokenize(str(source))).parse()


def references(source: str) -> set[str]:
    """Return the question names ``${...}`` an expression reads."""
    return {value[2:-1] for kind, value in tokenize(str(source)) if kind == "ref"}


def columns(source: str) -> set[str]:
    """Return the bare words (choice columns) an expression reads."""
    found: set[str] = set()

    def walk(node):
        if node[0] == "column":
            found.add(node[1])
        for part in node[1:]:
            if isinstance(part, tuple) and part and isinstance(part[0], str):
                walk(part)
            elif isinstance(part, tuple):
                for sub in part:
                    if isinstance(sub, tuple):
                        walk(sub)

    walk(parse(source))
    return found


# --- evaluation -------------------------------------------------------------------


def _is_empty(v: Any) -> bool:
    return v is None or v == "" or v == []


def to_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, float | int):
        return v != 0 and not math.isnan(v)
    if isinstance(v, date):
        return True
    return not _is_empty(v)


def to_number(v: Any) -> float:
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, date):
        return float((v - date(1970, 1, 1)).days)
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            return math.nan
    return math.nan


def to_string(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, list):
        return " ".join(to_string(x) for x in v)
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def to_date(v: Any) -> date | None:
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v.strip()[:10])
        except ValueError:
            return None
    if isinstance(v, int | float) and not math.isnan(v):
        return date.fromordinal(date(1970, 1, 1).toordinal() + int(v))
    return None


def _compare(op: str, a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        a, b = to_bool(a), to_bool(b)
    elif isinstance(a, date) or isinstance(b, date):
        da, db = to_date(a), to_date(b)
        if da is None or db is None:
            return op == "!="
        a, b = da, db
    elif op in ("=", "!=") and not (isinstance(a, int | float) or isinstance(b, int | float)):
        a, b = to_string(a), to_string(b)
    else:
        a, b = to_number(a), to_number(b)
        if math.isnan(a) or math.isnan(b):
            return op == "!="
    return {
        "=": a == b,
        "!=": a != b,
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
    }[op]


def _arith(op: str, a: Any, b: Any) -> Any:
    if op in ("+", "-") and isinstance(a, date) and not isinstance(b, date):
        n = to_number(b)
        if math.isnan(n):
            return math.nan
        return to_date(to_number(a) + (n if op == "+" else -n))
    x, y = to_number(a), to_number(b)
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if y == 0:
        return math.nan
    if op == "div":
        return x / y
    return math.fmod(x, y)


def _selected_list(v: Any) -> list[str]:
    if isinstance(v, list):
        return [to_string(x) for x in v]
    return to_string(v).split()


def _regex(value: Any, pattern: str) -> bool:
    # A form author's pattern, applied to at most 2,000 characters of an answer.
    if len(pattern) > 200:
        return False
    try:
        return re.search(pattern, to_string(value)[:2000]) is not None
    except re.error:
        return False


def _call(name: str, args: tuple, env) -> Any:
    if name == "if":
        return evaluate_node(args[1] if to_bool(evaluate_node(args[0], env)) else args[2], env)
    values = [evaluate_node(a, env) for a in args]
    if name == "selected":
        return to_string(values[1]) in _selected_list(values[0])
    if name == "count-selected":
        return float(len(_selected_list(values[0])))
    if name == "selected-at":
        items = _selected_list(values[0])
        i = int(to_number(values[1])) if not math.isnan(to_number(values[1])) else -1
        return items[i] if 0 <= i < len(items) else ""
    if name == "string-length":
        return float(len(to_string(values[0])))
    if name == "not":
        return not to_bool(values[0])
    if name == "today":
        return timezone.localdate()
    if name == "date":
        return to_date(values[0]) or ""
    if name == "regex":
        return _regex(values[0], to_string(values[1]))
    if name == "true":
        return True
    if name == "false":
        return False
    if name == "number":
        return to_number(values[0])
    if name == "int":
        n = to_number(values[0])
        return n if math.isnan(n) else float(math.trunc(n))
    if name == "concat":
        return "".join(to_string(v) for v in values)
    if name == "coalesce":
        return values[1] if _is_empty(values[0]) else values[0]
    if name == "contains":
        return to_string(values[1]) in to_string(values[0])
    raise ExpressionError(name)  # unreachable: the parser admits only FUNCTIONS


class Env:
    """What an expression sees: answers by name, its own value, choice columns."""

    def __init__(self, values: dict, current: Any = None, row: dict | None = None):
        self.values = values
        self.current = current
        self.row = row or {}


def evaluate_node(node, env: Env) -> Any:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "ref":
        v = env.values.get(node[1])
        return "" if v is None else v
    if kind == "self":
        return "" if env.current is None else env.current
    if kind == "column":
        return env.row.get(node[1], "")
    if kind == "neg":
        return -to_number(evaluate_node(node[1], env))
    if kind == "call":
        return _call(node[1], node[2], env)
    op, left, right = node[1], node[2], node[3]
    if op == "and":
        return to_bool(evaluate_node(left, env)) and to_bool(evaluate_node(right, env))
    if op == "or":
        return to_bool(evaluate_node(left, env)) or to_bool(evaluate_node(right, env))
    a, b = evaluate_node(left, env), evaluate_node(right, env)
    if op in ("=", "!=", "<", "<=", ">", ">="):
        return _compare(op, a, b)
    return _arith(op, a, b)


def evaluate(source: str, values: dict, current: Any = None, row: dict | None = None) -> Any:
    return evaluate_node(parse(source), Env(values, current, row))


def truthy(source: str, values: dict, current: Any = None, row: dict | None = None) -> bool:
    return to_bool(evaluate(source, values, current, row))
