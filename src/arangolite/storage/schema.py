"""Collection schema validation (``schema: {rule, level, message}``).

ArangoDB validates with JSON Schema draft 4 and a ``level``:

- ``none``: nothing is validated;
- ``new``: only inserts are validated;
- ``moderate``: inserts, and changes to documents that were valid before;
- ``strict``: every insert, update and replace.

A failure is errorNum 1620 with the schema's ``message`` as the error text.
System attributes (``_key``, ``_id``, ``_rev``, ``_from``, ``_to``) are not
validated, as in ArangoDB.
"""

from __future__ import annotations

from typing import Any

import jsonschema

from arangolite.errors import ArangoError, E

__all__ = ["SchemaValidator", "compile_schema", "LEVELS"]

LEVELS = ("none", "new", "moderate", "strict")
DEFAULT_MESSAGE = "Schema validation failed"
_SYSTEM = ("_key", "_id", "_rev", "_from", "_to")


def _bad(message: str) -> ArangoError:
    return ArangoError(
        E.VALIDATION_BAD_PARAMETER, f"invalid schema validation parameter: {message}"
    )


class SchemaValidator:
    def __init__(self, rule: dict[str, Any], level: str, message: str) -> None:
        self.rule = rule
        self.level = level
        self.message = message
        try:
            jsonschema.Draft4Validator.check_schema(rule)
        except jsonschema.SchemaError as exc:
            raise _bad(exc.message) from None
        self._validator = jsonschema.Draft4Validator(rule)

    @property
    def definition(self) -> dict[str, Any]:
        return {"rule": self.rule, "level": self.level, "message": self.message, "type": "json"}

    def errors(self, doc: dict[str, Any]) -> list[jsonschema.ValidationError]:
        """Every violation, with its path (used by tools that report all of them)."""
        body = {k: v for k, v in doc.items() if k not in _SYSTEM}
        return list(self._validator.iter_errors(body))

    def is_valid(self, doc: dict[str, Any]) -> bool:
        body = {k: v for k, v in doc.items() if k not in _SYSTEM}
        return self._validator.is_valid(body)

    def check(self, new: dict[str, Any], old: dict[str, Any] | None) -> None:
        """Raise 1620 if writing ``new`` (replacing ``old``) must be refused."""
        if self.level == "none":
            return
        if old is not None:
            if self.level == "new":
                return
            if self.level == "moderate" and not self.is_valid(old):
                return
        if not self.is_valid(new):
            raise ArangoError(E.VALIDATION_FAILED, self.message)


def compile_schema(value: Any) -> SchemaValidator | None:
    """Build a validator from a collection's ``schema`` property; None or ``{}`` clears it."""
    if value is None or value == {}:
        return None
    if not isinstance(value, dict):
        raise _bad("schema must be an object")
    rule = value.get("rule")
    if not isinstance(rule, dict):
        raise _bad("'rule' must be an object")
    level = value.get("level", "strict")
    if level not in LEVELS:
        raise _bad(f"'level' must be one of {', '.join(LEVELS)}")
    message = value.get("message", DEFAULT_MESSAGE)
    if not isinstance(message, str):
        raise _bad("'message' must be a string")
    return SchemaValidator(rule, level, message)
