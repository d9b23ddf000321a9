"""Fulltext indexes (deprecated in ArangoDB, still creatable): words of one attribute.

A string attribute is split into words (letters and digits, lower-cased); words
shorter than ``minLength`` are skipped and longer ones cut to 40 characters, as in
ArangoDB. Arrays and objects contribute their string members. The structure is
an inverted word list plus a sorted list of words for ``prefix:`` searches.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sortedcontainers import SortedList

from arangolite.errors import ArangoError, E
from arangolite.storage.index_fields import get_path, parse_fields
from arangolite.storage.indexes import Index, register

if TYPE_CHECKING:
    from arangolite.storage.collections import Collection

__all__ = ["FulltextIndex", "words_of", "DEFAULT_MIN_LENGTH", "MAX_WORD_LENGTH"]

DEFAULT_MIN_LENGTH = 2
MAX_WORD_LENGTH = 40

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words_of(value: Any, min_length: int) -> set[str]:
    """The distinct words a fulltext index stores for one attribute value."""
    if isinstance(value, str):
        texts = [value]
    elif isinstance(value, list):
        texts = [v for v in value if isinstance(v, str)]
    elif isinstance(value, dict):
        texts = [v for v in value.values() if isinstance(v, str)]
    else:
        return set()
    words = set()
    for text in texts:
        for word in _WORD.findall(text.lower()):
            if len(word) >= min_length:
                words.add(word[:MAX_WORD_LENGTH])
    return words


@register("fulltext")
class FulltextIndex(Index):
    """Word -> document keys, for ``FULLTEXT()``.

    ``search(word)`` answers a complete word, ``prefix(start)`` every word that
    starts with ``start``; both return a set of keys.
    """

    type = "fulltext"

    def __init__(self, collection: Collection, **kwargs: Any) -> None:
        super().__init__(collection, **kwargs)
        self.path = tuple(str(self.fields[0]).split("."))
        self.min_length = int(self.options.get("minLength", DEFAULT_MIN_LENGTH))
        self._docs: dict[str, set[str]] = {}
        self._keys: dict[str, set[str]] = {}
        self._words: SortedList = SortedList()

    @classmethod
    def normalize(cls, body: dict[str, Any]) -> dict[str, Any]:
        fields = body.get("fields")
        parse_fields(fields, max_fields=1)
        min_length = body.get("minLength")
        if isinstance(min_length, int | float) and not isinstance(min_length, bool):
            length = int(min_length)
        elif min_length is None:
            length = DEFAULT_MIN_LENGTH
        else:
            raise ArangoError(E.BAD_PARAMETER)
        return {
            "fields": list(fields),
            "unique": False,
            "sparse": True,
            "options": {"minLength": max(length, 1)},
        }

    def matches(self, definition: dict[str, Any]) -> bool:
        return (
            definition["fields"] == self.fields
            and definition["options"]["minLength"] == self.min_length
        )

    def insert(self, key: str, doc: dict[str, Any]) -> None:
        words = words_of(get_path(doc, self.path), self.min_length)
        if not words:
            return
        self._keys[key] = words
        for word in words:
            holders = self._docs.get(word)
            if holders is None:
                holders = self._docs[word] = set()
                self._words.add(word)
            holders.add(key)

    def remove(self, key: str, doc: dict[str, Any]) -> None:
        for word in self._keys.pop(key, ()):
            holders = self._docs.get(word)
            if holders is None:
                continue
            holders.discard(key)
            if not holders:
                del self._docs[word]
                self._words.discard(word)

    def clear(self) -> None:
        self._docs.clear()
        self._keys.clear()
        self._words.clear()

    def search(self, word: str) -> set[str]:
        return set(self._docs.get(word.lower()[:MAX_WORD_LENGTH], ()))

    def prefix(self, start: str) -> set[str]:
        start = start.lower()
        found: set[str] = set()
        for word in self._words.irange(start, None):
            if not word.startswith(start):
                break
            found |= self._docs[word]
        return found
