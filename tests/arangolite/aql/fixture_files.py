"""Reads ``fixtures/*.aql``: AQL queries with their expected results.

File format (sqlglot's fixture pairs, with ``//`` meta lines)::

    // collection users: [{"_key": "a", "age": 1}, ...]     (file level, before any case)

    // title: what the case shows
    // bind: {"x": 1}                 optional bind parameters (JSON)
    // unordered: true                optional: compare results as multisets
    // status: 404                    optional HTTP status of an error (default 400)
    FOR u IN users RETURN u.age       the query (may span lines)
    => [1]                            the expected result (JSON) ...
    => error 1501 AQL: syntax error, unexpected ... (while parsing)   ... or error
    => warnings [{"code": 1562, "message": "division by zero"}]      optional

Cases are separated by blank lines. Collections named at file level are
(re)filled with their documents before the first case and after any case that
writes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"

_META = re.compile(r"^//\s*([a-zA-Z_]+)(?:\s+([A-Za-z0-9_]+))?\s*:\s*(.*)$")


@dataclass
class Case:
    file: str
    title: str
    query: str
    line: int
    bind: dict[str, Any] = field(default_factory=dict)
    expected: Any = None
    error: tuple[int, str] | None = None
    status: int = 400
    unordered: bool = False
    warnings: list[dict[str, Any]] | None = None

    @property
    def writes(self) -> bool:
        return re.search(r"\b(INSERT|UPDATE|REPLACE|REMOVE|UPSERT)\b", self.query, re.I) is not None


@dataclass
class FixtureFile:
    name: str
    collections: dict[str, list[dict[str, Any]]]
    edge_collections: dict[str, list[dict[str, Any]]]
    cases: list[Case]


def load(path: Path) -> FixtureFile:
    collections: dict[str, list[dict[str, Any]]] = {}
    edges: dict[str, list[dict[str, Any]]] = {}
    cases: list[Case] = []
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            if current:
                blocks.append((start, current))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, current))
    for start, lines in blocks:
        meta: dict[str, str] = {}
        query_lines: list[str] = []
        expectations: list[str] = []
        for line in lines:
            match = _META.match(line)
            if match and query_lines:
                raise ValueError(f"{path.name}:{start}: meta line after the query: {line}")
            if match:
                key, name, value = match.groups()
                if key in ("collection", "edges"):
                    target = collections if key == "collection" else edges
                    target[name] = json.loads(value)
                else:
                    meta[key] = value
            elif line.startswith("=>"):
                expectations.append(line[2:].strip())
            else:
                query_lines.append(line)
        if not query_lines:
            continue
        case = Case(
            file=path.name,
            title=meta.get("title", f"line {start}"),
            query="\n".join(query_lines),
            line=start,
            bind=json.loads(meta["bind"]) if "bind" in meta else {},
            status=int(meta.get("status", 400)),
            unordered=meta.get("unordered", "").lower() == "true",
        )
        for expectation in expectations:
            if expectation.startswith("error "):
                _, num, message = expectation.split(" ", 2)
                case.error = (int(num), message)
            elif expectation.startswith("warnings "):
                case.warnings = json.loads(expectation[len("warnings ") :])
            else:
                case.expected = json.loads(expectation)
        if case.error is None and not expectations:
            raise ValueError(f"{path.name}:{start}: case without expectation")
        cases.append(case)
    return FixtureFile(path.name, collections, edges, cases)


#: fixture files in other formats (identity.aql: one query per line, see test_printer.py)
NOT_CASES = frozenset({"identity.aql"})


def all_files() -> list[FixtureFile]:
    return [load(p) for p in sorted(FIXTURES.glob("*.aql")) if p.name not in NOT_CASES]
