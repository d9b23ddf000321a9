"""Document keys, ids and revisions: ArangoDB's rules for what a `_key` may be,
the four key generators, and `_rev` strings.

Why here and not in the collection: the same rules are applied by the REST API,
bulk import and AQL writes, and the key generator's state must be persisted with
the collection's metadata.
"""

from __future__ import annotations

import binascii
import re
import threading
import time
import uuid
from typing import Any

from arangolite.errors import ArangoError, E

__all__ = [
    "KEY_GENERATOR_TYPES",
    "KeyGenerator",
    "RevisionClock",
    "is_valid_key",
    "validate_key",
    "split_id",
]

MAX_KEY_LENGTH = 254
_KEY_RE = re.compile(r"^[A-Za-z0-9_\-:.@()+,=;$!*'%]{1,254}$")
KEY_GENERATOR_TYPES = ("traditional", "autoincrement", "uuid", "padded")


def is_valid_key(key: Any) -> bool:
    return isinstance(key, str) and _KEY_RE.match(key) is not None


def validate_key(key: Any) -> str:
    """Return ``key`` or raise ArangoDB's 1221 (bad key)."""
    if not is_valid_key(key):
        raise ArangoError(E.DOCUMENT_KEY_BAD)
    return key


def split_id(document_id: Any) -> tuple[str, str]:
    """Split ``"coll/key"`` into its parts, or raise 1205 (illegal document identifier)."""
    if not isinstance(document_id, str) or "/" not in document_id:
        raise ArangoError(E.DOCUMENT_HANDLE_BAD)
    collection, _, key = document_id.partition("/")
    if not collection or not is_valid_key(key):
        raise ArangoError(E.DOCUMENT_HANDLE_BAD)
    return collection, key


_REV_ALPHABET = "-_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


class RevisionClock:
    """A hybrid logical clock producing ArangoDB-looking `_rev` strings.

    Revisions are strictly increasing within a process (and across restarts, since
    they start from wall-clock microseconds), encoded in ArangoDB's own base64
    alphabet, so they look like ``_hV4Gj3a---`` to clients.
    """

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def next_int(self) -> int:
        with self._lock:
            now = int(time.time() * 1_000_000) << 4
            self._last = max(now, self._last + 1)
            return self._last

    def observe(self, value: int) -> None:
        with self._lock:
            self._last = max(self._last, value)

    def next(self) -> str:
        return encode_rev(self.next_int())


# Revisions are on every write path: the common case (up to 72 bits, 12 digits)
# goes through C-level base64 plus a translation between the two alphabets.
_STD_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_TO_REV = bytes.maketrans(_STD_ALPHABET, _REV_ALPHABET.encode())
_FROM_REV = bytearray(b"!" * 256)  # "!" is no base64 digit: strict decoding rejects it
for _std, _rev in zip(_STD_ALPHABET, _REV_ALPHABET.encode(), strict=True):
    _FROM_REV[_rev] = _std


def encode_rev(value: int) -> str:
    if 0 < value < 1 << 72:
        digits = binascii.b2a_base64(value.to_bytes(9, "big"), newline=False)
        return digits.translate(_TO_REV).lstrip(b"-").decode()
    chars = []
    while value:
        value, rem = divmod(value, 64)
        chars.append(_REV_ALPHABET[rem])
    return "".join(reversed(chars)) or "-"


def decode_rev(rev: str) -> int | None:
    if 0 < len(rev) <= 12 and rev.isascii():
        digits = rev.rjust(12, "-").encode().translate(_FROM_REV)
        try:
            return int.from_bytes(binascii.a2b_base64(digits, strict_mode=True), "big")
        except binascii.Error:
            return None
    value = 0
    for ch in rev:
        idx = _REV_ALPHABET.find(ch)
        if idx < 0:
            return None
        value = value * 64 + idx
    return value


class KeyGenerator:
    """Key generation for one collection, per ``keyOptions``.

    ``traditional`` and ``autoincrement`` produce increasing decimal strings,
    ``padded`` fixed-width hexadecimal strings that sort lexicographically in
    creation order, ``uuid`` random UUIDs.
    """

    def __init__(
        self,
        *,
        type: str = "traditional",
        allow_user_keys: bool = True,
        increment: int = 1,
        offset: int = 0,
        last_value: int = 0,
    ) -> None:
        if type not in KEY_GENERATOR_TYPES:
            raise ArangoError(E.INVALID_KEY_GENERATOR)
        if type == "autoincrement" and (increment < 1 or increment >= 1 << 16 or offset < 0):
            raise ArangoError(E.INVALID_KEY_GENERATOR)
        self.type = type
        self.allow_user_keys = allow_user_keys
        self.increment = increment
        self.offset = offset
        self.last_value = last_value

    @classmethod
    def from_options(cls, options: Any) -> KeyGenerator:
        if options is None:
            return cls()
        if not isinstance(options, dict):
            raise ArangoError(E.INVALID_KEY_GENERATOR)
        kind = options.get("type", "traditional")
        if not isinstance(kind, str):
            raise ArangoError(E.INVALID_KEY_GENERATOR)
        try:
            return cls(
                type=kind.lower(),
                allow_user_keys=bool(options.get("allowUserKeys", True)),
                increment=int(options.get("increment", 1)),
                offset=int(options.get("offset", 0)),
                last_value=int(options.get("lastValue", 0)),
            )
        except (TypeError, ValueError) as exc:
            raise ArangoError(E.INVALID_KEY_GENERATOR) from exc

    def generate(self) -> str:
        if self.type == "uuid":
            return str(uuid.uuid4())
        if self.type == "autoincrement":
            if self.last_value < self.offset:
                value = self.offset or self.increment
            else:
                value = self.last_value + self.increment
        else:
            value = max(self.last_value + 1, int(time.time() * 1000) - 1_700_000_000_000)
        self.last_value = value
        if self.type == "padded":
            return f"{value:016x}"
        return str(value)

    def track(self, key: str) -> None:
        """Advance past a user-supplied numeric key, as ArangoDB does."""
        if self.type in ("traditional", "autoincrement") and key.isdigit():
            value = int(key)
            if value > self.last_value:
                self.last_value = value
        elif self.type == "padded" and len(key) == 16:
            try:
                value = int(key, 16)
            except ValueError:
                return
            if value > self.last_value:
                self.last_value = value

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "allowUserKeys": self.allow_user_keys}
        if self.type == "autoincrement":
            out["increment"] = self.increment
            out["offset"] = self.offset
        if self.type != "uuid":
            out["lastValue"] = self.last_value
        return out
