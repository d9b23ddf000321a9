"""Fulltext functions (AQL reference: "Fulltext functions"): ``FULLTEXT()``.

``FULLTEXT(coll, attribute, query, limit)`` answers from the collection's
fulltext index on ``attribute`` and fails with 1571 if there is none, like
ArangoDB. The query is a comma-separated list of words, each optionally
prefixed with ``+`` (and, the default), ``|`` (or) or ``-`` (and not) and with
``prefix:`` or ``complete:``; the terms are combined left to right without
precedence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from arangolite.aql.functions import FunctionContext, aql_function
from arangolite.errors import ArangoError, E
from arangolite.storage.index_fields import get_path
from arangolite.storage.index_fulltext import MAX_WORD_LENGTH, words_of

if TYPE_CHECKING:
    from arangolite.storage.collections import Collection
    from arangolite.storage.index_fulltext import FulltextIndex


def _index(ctx: FunctionContext, coll: Any, attribute: Any) -> tuple[Collection, FulltextIndex]:
    collection = ctx.db.collection(coll if isinstance(coll, str) else "")
    for index in collection.indexes.secondary:
        if index.type == "fulltext" and index.fields[0] == attribute:
            return collection, index  # type: ignore[return-value]
    raise ArangoError(
        E.QUERY_FULLTEXT_INDEX_MISSING,
        f"no suitable fulltext index found for fulltext query on '{collection.name}'",
    )


def _terms(query: str) -> list[tuple[str, bool, str]]:
    """``(operation, is_prefix, word)`` per comma-separated part of the query."""
    terms = []
    for part in query.split(","):
        part = part.strip()
        operation = "and"
        if part[:1] in ("+", "|", "-"):
            operation = {"+": "and", "|": "or", "-": "not"}[part[0]]
            part = part[1:].strip()
        prefix = False
        lowered = part.lower()
        if lowered.startswith("prefix:"):
            prefix, part = True, part[len("prefix:") :]
        elif lowered.startswith("complete:"):
            part = part[len("complete:") :]
        word = part.strip().lower()[:MAX_WORD_LENGTH]
        if word:
            terms.append((operation, prefix, word))
    return terms


def _matches(words: set[str], prefix: bool, word: str) -> bool:
    return any(w.startswith(word) for w in words) if prefix else word in words


@aql_function("FULLTEXT", min_args=3, max_args=4, deterministic=False)
def fulltext(ctx: FunctionContext, coll: Any, attribute: Any, query: Any, limit: Any = None) -> Any:
    collection, index = _index(ctx, coll, attribute)
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool)):
        raise ArangoError(E.QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH, "limit parameter has wrong type")
    if not isinstance(query, str):
        raise ArangoError(E.BAD_PARAMETER, "invalid value for fulltext query")
    terms = _terms(query)
    if not terms:
        raise ArangoError(E.BAD_PARAMETER, "invalid value for fulltext query")

    # the index holds the committed state; documents this transaction sees
    # differently are matched against their own words instead
    trx = ctx.trx
    changed = trx.changed_keys(collection) if trx is not None else set()
    changed_words: dict[str, set[str]] = {}
    for key in changed:
        doc = collection.get(key, trx)
        if doc is not None:
            changed_words[key] = words_of(get_path(doc, index.path), index.min_length)

    result: set[str] | None = None
    for operation, prefix, word in terms:
        found = (index.prefix(word) if prefix else index.search(word)) - changed
        found |= {k for k, words in changed_words.items() if _matches(words, prefix, word)}
        if operation == "or":
            result = found if result is None else result | found
        elif operation == "not":
            result = set() if result is None else result - found
        else:
            result = found if result is None else result & found

    docs = []
    for key in sorted(result or ()):
        doc = collection.get(key, trx)
        if doc is not None:
            docs.append(doc)
        if limit and len(docs) >= limit:
            break
    return docs
