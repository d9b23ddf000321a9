"""Collection schema validation (``schema: {rule, level, message}``).

ArangoDB validates with JSON Schema draft 4 and a ``level``:

- ``none``: nothing is validated;
- ``new``: only inserts are validated;
- ``moderate``: inserts, and changes to documents — unless the old document was
  already invalid;
- ``strict`` (the default): every insert, update and replace.

A failure is errorNum 1620 with the schema's ``message`` as the error text (an
empty message falls back to "Schema validation failed"). System attributes
(``_key``, ``_id``, ``_rev``, ``_from``, ``_to``) are not validated, as in
ArangoDB. A schema of ``null`` or ``{}`` removes validation. A bad schema is
1621 with ArangoDB's texts (``LogicalCollection::updateSchema`` and
``ValidatorBase``): a non-string ``level``/``message`` is ignored, an unknown
level or a ``rule`` that is not a valid JSON Schema object is refused. Remote
``$ref`` schemas are refused too ("not supported for security reasons").
"""

from __future__ import annotations

from typing import Any

import jsonschema
import orjson

from arangolite.errors import ArangoError, E

__all__ = ["SchemaValidator", "compile_schema", "LEVELS"]

LEVELS = ("none", "new", "moderate", "strict")
DEFAULT_LEVEL = "strict"
DEFAULT_MESSAGE = ""
_SYSTEM = ("_key", "_id", "_rev", "_from", "_to")


def _bad(message: str) -> ArangoError:
    return ArangoError(E.VALIDATION_BAD_PARAMETER, message)


def _building(message: str) -> ArangoError:
    return _bad(f"Error when building schema: {message}")


def _remote_refs(rule: Any) -> bool:
    """Whether any ``$ref`` points outside the schema itself."""
    if isinstance(rule, dict):
        ref = rule.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            return True
        return any(_remote_refs(v) for v in rule.values())
    if isinstance(rule, list):
        return any(_remote_refs(v) for v in rule)
    return False


class SchemaValidator:
    """A compiled collection schema; :meth:`check` is called on every write."""

    def __init__(self, rule: dict[str, Any], level: str, message: str) -> None:
        self.rule = rule
        self.level = level
        self.message = message
        if _remote_refs(rule):
            raise _building("remote schemas are not supported")
        try:
            jsonschema.Draft4Validator.check_schema(rule)
        except jsonschema.SchemaError as exc:
            dumped = orjson.dumps(rule).decode()
            raise _building(f"invalid object{dumped}exception: {exc.message}") from None
        self._validator = jsonschema.Draft4Validator(rule)

    def __repr__(self) -> str:
        return f"SchemaValidator(level={self.level!r}, message={self.message!r})"

    @property
    def definition(self) -> dict[str, Any]:
        """The collection's ``schema`` property as ArangoDB reports it."""
        return {"message": self.message, "level": self.level, "type": "json", "rule": self.rule}

    @staticmethod
    def _body(doc: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in doc.items() if k not in _SYSTEM}

    def errors(self, doc: dict[str, Any]) -> list[jsonschema.ValidationError]:
        """Every violation, with its path (used by tools that report all of them)."""
        return list(self._validator.iter_errors(self._body(doc)))

    def is_valid(self, doc: dict[str, Any]) -> bool:
        try:
            return bool(self._validator.is_valid(self._body(doc)))
        except Exception:  # an unresolvable local $ref: the document cannot be valid
            return False

    def check(self, new: dict[str, Any], old: dict[str, Any] | None) -> None:
        """Raise 1620 if writing ``new`` (replacing ``old``; None for an insert) is refused."""
        if self.level == "none":
            return
        if old is not None and self.level == "new":
            return
        if self.is_valid(new):
            return
        if old is not None and self.level == "moderate" and not self.is_valid(old):
            return
        raise ArangoError(E.VALIDATION_FAILED, self.message or None)


def compile_schema(value: Any) -> SchemaValidator | None:
    """Build a validator from a collection's ``schema`` property; None or ``{}`` clears it."""
    if value is None or value == {}:
        return None
    if not isinstance(value, dict):
        raise _bad("Schema description is not an object.")
    level = value.get("level", DEFAULT_LEVEL)
    if not isinstance(level, str):
        level = DEFAULT_LEVEL
    elif level not in LEVELS:
        raise _building(f"Valid validation levels are: {', '.join(LEVELS)}")
    message = value.get("message")
    if not isinstance(message, str):
        message = DEFAULT_MESSAGE
    rule = value.get("rule")
    if not isinstance(rule, dict):
        dumped = orjson.dumps(value).decode()
        raise _building(f"No valid schema in rule attribute given (no object): {dumped}")
    return SchemaValidator(rule, level, message)
