"""What every optimizer rule gets: the database (for indexes and counts), the
bind parameters (values known at plan time) and a record of rules that fired."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from arangolite.aql import ast

if TYPE_CHECKING:
    from arangolite.storage.databases import Database

__all__ = ["OptimizerContext", "UNKNOWN"]

#: "not known at plan time"
UNKNOWN: Any = object()


@dataclass
class OptimizerContext:
    db: Database
    bind_vars: dict[str, Any]
    applied: set[str] = field(default_factory=set)

    def fired(self, rule: str) -> None:
        self.applied.add(rule)

    def static_value(self, expr: ast.Expr) -> Any:
        """The value of a literal/bind parameter expression, else :data:`UNKNOWN`."""
        if isinstance(expr, ast.Literal):
            return expr.value
        if isinstance(expr, ast.BindParameter):
            return self.bind_vars.get(expr.name, UNKNOWN)
        if isinstance(expr, ast.ArrayLiteral):
            values = [self.static_value(e) for e in expr.elements]
            return UNKNOWN if any(v is UNKNOWN for v in values) else values
        if isinstance(expr, ast.Unary) and expr.op == "-":
            value = self.static_value(expr.operand)
            if isinstance(value, int | float) and not isinstance(value, bool):
                return -value
        return UNKNOWN
