"""AST -> AQL text: :func:`to_aql` prints any node in one canonical form.

Parsing the printed text gives the same tree again (``fixtures/identity.aql``
checks parse → print round-trips), so explain output, error messages and
tools can show expressions as AQL. The canonical form is one line with single
spaces; keywords upper-case; ``AND``/``OR``/``NOT``; ``a LIKE b``, ``a =~ b``
and ``a !~ b`` for the two-argument ``LIKE()``/``REGEX_TEST()`` calls; aliases
by their canonical function name; parentheses only where precedence needs
them; ``SORT x`` without ``ASC``; ``LIMIT n`` when the offset is implicit;
``INSERT … INTO`` and ``… IN`` for the other writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from arangolite.aql import ast
from arangolite.aql.tokens import KEYWORDS

__all__ = ["to_aql"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# binding strength, lowest first (as in the parser's precedence table)
_TERNARY, _OR, _AND, _EQUALITY, _IN, _RELATIONAL, _RANGE, _ADDITIVE, _MULTIPLICATIVE = range(9)
_UNARY, _POSTFIX = 9, 10

_BINARY = {
    "||": ("OR", _OR),
    "&&": ("AND", _AND),
    "==": ("==", _EQUALITY),
    "!=": ("!=", _EQUALITY),
    "IN": ("IN", _IN),
    "NOT IN": ("NOT IN", _IN),
    "<": ("<", _RELATIONAL),
    "<=": ("<=", _RELATIONAL),
    ">": (">", _RELATIONAL),
    ">=": (">=", _RELATIONAL),
    "+": ("+", _ADDITIVE),
    "-": ("-", _ADDITIVE),
    "*": ("*", _MULTIPLICATIVE),
    "/": ("/", _MULTIPLICATIVE),
    "%": ("%", _MULTIPLICATIVE),
}


def to_aql(node: Any) -> str:
    """The AQL text of a query, operation or expression."""
    return _Printer().node(node)


def _name(name: str) -> str:
    """A variable or collection name, backticked where it is no plain identifier."""
    if name.startswith("$"):  # $CURRENT and friends
        return name[1:]
    if _NAME.fullmatch(name) and name.upper() not in KEYWORDS:
        return name
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _number(value: int | float) -> str:
    return repr(value)  # keeps "1.0" a double


class _Printer:
    def node(self, node: Any) -> str:
        if isinstance(node, ast.Query):
            return " ".join(self.node(op) for op in node.operations)
        if isinstance(node, ast.Operation):
            method = self.OPERATIONS.get(type(node))
            if method is None:
                raise TypeError(f"cannot print {type(node).__name__}")
            return method(self, node)
        return self.expr(node)

    # ------------------------------------------------------------------ expressions
    def expr(self, node: ast.Expr, minimum: int = _TERNARY) -> str:
        """``node``'s text, in parentheses if it binds weaker than ``minimum``."""
        text, strength = self._expr(node)
        return f"({text})" if strength < minimum else text

    def _expr(self, node: ast.Expr) -> tuple[str, int]:  # noqa: PLR0911, PLR0912 - one dispatch
        if isinstance(node, ast.Literal):
            return self._literal(node.value), _POSTFIX
        if isinstance(node, ast.ArrayLiteral):
            return "[" + ", ".join(self.expr(e) for e in node.elements) + "]", _POSTFIX
        if isinstance(node, ast.ObjectLiteral):
            return self._object(node), _POSTFIX
        if isinstance(node, ast.BindParameter):
            return "@" + node.name, _POSTFIX
        if isinstance(node, ast.DataSourceParameter):
            return "@" + node.name, _POSTFIX
        if isinstance(node, ast.VariableRef):
            return _name(node.var.name), _POSTFIX
        if isinstance(node, ast.CollectionRef):
            return _name(node.name), _POSTFIX
        if isinstance(node, ast.AttributeAccess):
            return f"{self.expr(node.object, _POSTFIX)}.{_name(node.name)}", _POSTFIX
        if isinstance(node, ast.BoundAttributeAccess):
            return f"{self.expr(node.object, _POSTFIX)}.{self.expr(node.name)}", _POSTFIX
        if isinstance(node, ast.IndexedAccess):
            return f"{self.expr(node.object, _POSTFIX)}[{self.expr(node.index)}]", _POSTFIX
        if isinstance(node, ast.Expansion):
            return self.expr(node.source, _POSTFIX) + self._expansion(node), _POSTFIX
        if isinstance(node, ast.ArrayFilter):
            return self._array_filter(node), _POSTFIX
        if isinstance(node, ast.Parenthesized):
            return f"({self.expr(node.expr)})", _POSTFIX
        if isinstance(node, ast.Subquery):
            return f"({self.node(node.query)})", _POSTFIX
        if isinstance(node, ast.FunctionCall):
            return self._call(node)
        if isinstance(node, ast.Unary):
            return self._unary(node)
        if isinstance(node, ast.Binary):
            op, strength = _BINARY[node.op]
            left = self.expr(node.left, strength)
            right = self.expr(node.right, strength + 1)
            return f"{left} {op} {right}", strength
        if isinstance(node, ast.ArrayComparison):
            left = self.expr(node.left, _EQUALITY)
            right = self.expr(node.right, _EQUALITY + 1)
            return f"{left} {self._quantifier(node.quantifier)} {node.op} {right}", _EQUALITY
        if isinstance(node, ast.Range):
            low = self.expr(node.low, _RANGE)
            high = self.expr(node.high, _RANGE + 1)
            return f"{low}..{high}", _RANGE
        if isinstance(node, ast.Ternary):
            condition = self.expr(node.condition, _OR)
            otherwise = self.expr(node.otherwise)
            if node.then is None:
                return f"{condition} ?: {otherwise}", _TERNARY
            return f"{condition} ? {self.expr(node.then, _OR)} : {otherwise}", _TERNARY
        raise TypeError(f"cannot print {type(node).__name__}")

    def _literal(self, value: Any) -> str:
        if value is None:
            return "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if isinstance(value, int | float):
            return _number(value)
        if isinstance(value, str):
            return _string(value)
        if isinstance(value, list):  # folded constants
            return "[" + ", ".join(self._literal(v) for v in value) + "]"
        if isinstance(value, dict):
            return (
                "{"
                + ", ".join(f"{self._key(k)}: {self._literal(v)}" for k, v in value.items())
                + "}"
            )
        raise TypeError(f"cannot print literal {value!r}")

    @staticmethod
    def _key(key: str) -> str:
        return key if _NAME.fullmatch(key) and key.upper() not in KEYWORDS else _string(key)

    def _object(self, node: ast.ObjectLiteral) -> str:
        items = []
        for item in node.items:
            value = self.expr(item.value)
            if isinstance(item.key, str):
                if (
                    isinstance(item.value, ast.VariableRef)
                    and item.value.var.name == item.key
                    and _name(item.key) == item.key
                ):
                    items.append(item.key)  # the shorthand {a}
                else:
                    items.append(f"{self._key(item.key)}: {value}")
            elif isinstance(item.key, ast.BindParameter):
                items.append(f"@{item.key.name}: {value}")
            else:
                items.append(f"[{self.expr(item.key)}]: {value}")
        return "{" + ", ".join(items) + "}"

    def _call(self, node: ast.FunctionCall) -> tuple[str, int]:
        if node.name in ("LIKE", "REGEX_TEST") and len(node.args) == 2:
            op = "LIKE" if node.name == "LIKE" else "=~"
            left = self.expr(node.args[0], _EQUALITY)
            right = self.expr(node.args[1], _EQUALITY + 1)
            return f"{left} {op} {right}", _EQUALITY
        # a subquery argument needs no parentheses of its own: LENGTH(FOR … RETURN …)
        args = ", ".join(
            self.node(a.query) if isinstance(a, ast.Subquery) else self.expr(a) for a in node.args
        )
        return f"{node.name}({args})", _POSTFIX

    def _unary(self, node: ast.Unary) -> tuple[str, int]:
        operand = node.operand
        if (
            node.op == "!"
            and isinstance(operand, ast.FunctionCall)
            and operand.name in ("LIKE", "REGEX_TEST")
            and len(operand.args) == 2
        ):
            op = "NOT LIKE" if operand.name == "LIKE" else "!~"
            left = self.expr(operand.args[0], _EQUALITY)
            right = self.expr(operand.args[1], _EQUALITY + 1)
            return f"{left} {op} {right}", _EQUALITY
        text = self.expr(operand, _UNARY)
        if node.op == "!":
            return f"NOT {text}", _UNARY
        if text.startswith(("-", "+")):
            text = f"({text})"
        return f"{node.op}{text}", _UNARY

    def _quantifier(self, quantifier: ast.Quantifier) -> str:
        if quantifier.kind == "AT LEAST":
            assert quantifier.value is not None
            return f"AT LEAST ({self.expr(quantifier.value)})"
        if quantifier.kind == "EXACT":
            assert quantifier.value is not None
            return self.expr(quantifier.value, _RANGE)
        return quantifier.kind

    def _suffix(self, node: ast.Expr, iterator: ast.Var) -> str | None:
        """``node`` as accesses written after ``[*]`` (rooted at the iterator), or None."""
        if isinstance(node, ast.VariableRef):
            return "" if node.var == iterator else None
        if isinstance(node, ast.AttributeAccess):
            head = self._suffix(node.object, iterator)
            return None if head is None else f"{head}.{_name(node.name)}"
        if isinstance(node, ast.BoundAttributeAccess):
            head = self._suffix(node.object, iterator)
            return None if head is None else f"{head}.{self.expr(node.name)}"
        if isinstance(node, ast.IndexedAccess):
            head = self._suffix(node.object, iterator)
            return None if head is None else f"{head}[{self.expr(node.index)}]"
        if isinstance(node, ast.Expansion):
            head = self._suffix(node.source, iterator)
            return None if head is None else head + self._expansion(node)
        if isinstance(node, ast.ArrayFilter):
            head = self._suffix(node.source, iterator)
            return None if head is None else head + self._filter_brackets(node)
        return None

    def _expansion(self, node: ast.Expansion) -> str:
        """``[* FILTER … LIMIT … RETURN …]`` and the accesses after it."""
        inner = "*" * node.levels
        if node.filter is not None:
            inner += f" FILTER {self.expr(node.filter)}"
        if node.count is not None:
            inner += " LIMIT " + self._limit_values(node.offset, node.count)
        suffix = self._suffix(node.expr, node.iterator)
        if suffix is None:
            return f"[{inner} RETURN {self.expr(node.expr)}]"
        return f"[{inner}]{suffix}"

    def _array_filter(self, node: ast.ArrayFilter) -> str:
        return self.expr(node.source, _POSTFIX) + self._filter_brackets(node)

    def _filter_brackets(self, node: ast.ArrayFilter) -> str:
        inner = "?" * node.levels
        if node.quantifier is not None:
            inner += " " + self._quantifier(node.quantifier)
        if node.filter is not None:
            inner += f" FILTER {self.expr(node.filter)}"
        return f"[{inner}]"

    def _limit_values(self, offset: ast.Expr | None, count: ast.Expr) -> str:
        implicit = (
            offset is None
            or isinstance(offset, ast.Literal)
            and offset.value == 0
            and offset.span == count.span
        )
        if implicit:
            return self.expr(count)
        assert offset is not None
        return f"{self.expr(offset)}, {self.expr(count)}"

    def _document(self, node: ast.Expr) -> str:
        """A modification's document: an ``IN`` inside would end it, so it gets parentheses."""
        text = self.expr(node)
        if any(isinstance(n, ast.Binary) and n.op in ("IN", "NOT IN") for n in ast.walk(node)):
            return f"({text})"
        return text

    # ------------------------------------------------------------------ operations
    def _options(self, options: ast.Expr | None) -> str:
        return "" if options is None else f" OPTIONS {self.expr(options)}"

    def _with(self, op: ast.With) -> str:
        return "WITH " + ", ".join(self.expr(c) for c in op.collections)

    def _for(self, op: ast.For) -> str:
        text = f"FOR {_name(op.var.name)} IN {self.expr(op.source)}"
        if op.search is not None:
            text += f" SEARCH {self.expr(op.search)}"
        return text + self._options(op.options)

    def _graph_subject(
        self, graph: ast.Expr | None, edges: tuple[tuple[str | None, ast.Expr], ...]
    ) -> str:
        if graph is not None:
            return f"GRAPH {self.expr(graph)}"
        return ", ".join(
            (f"{direction} " if direction else "") + self.expr(coll) for direction, coll in edges
        )

    def _traversal(self, op: ast.Traversal) -> str:
        names = [op.vertex, op.edge, op.path]
        text = "FOR " + ", ".join(_name(v.name) for v in names if v is not None) + " IN "
        if op.depth is not None:
            text += self.expr(op.depth, _RANGE) + " "
        text += f"{op.direction} {self.expr(op.start)} "
        text += self._graph_subject(op.graph, op.edge_collections)
        if op.prune is not None:
            text += " PRUNE "
            if op.prune_var is not None:
                text += f"{_name(op.prune_var.name)} = "
            text += self.expr(op.prune)
        return text + self._options(op.options)

    def _shortest_path(self, op: ast.ShortestPath) -> str:
        names = [op.vertex, op.edge]
        text = "FOR " + ", ".join(_name(v.name) for v in names if v is not None) + " IN "
        if op.depth is not None:
            text += self.expr(op.depth, _RANGE) + " "
        text += f"{op.direction} {op.kind} {self.expr(op.start)} TO {self.expr(op.target)} "
        text += self._graph_subject(op.graph, op.edge_collections)
        return text + self._options(op.options)

    def _let(self, op: ast.Let) -> str:
        return f"LET {_name(op.var.name)} = {self.expr(op.expr)}"

    def _filter(self, op: ast.Filter) -> str:
        return f"FILTER {self.expr(op.condition)}"

    def _sort(self, op: ast.Sort) -> str:
        parts = []
        for element in op.elements:
            text = self.expr(element.expr)
            if element.ascending is False:
                text += " DESC"
            elif not isinstance(element.ascending, bool):
                text += " " + self.expr(element.ascending)
            parts.append(text)
        return "SORT " + ", ".join(parts)

    def _limit(self, op: ast.Limit) -> str:
        return "LIMIT " + self._limit_values(op.offset, op.count)

    def _assignments(self, assignments: tuple[ast.Assignment, ...]) -> str:
        return ", ".join(f"{_name(a.var.name)} = {self.expr(a.expr)}" for a in assignments)

    def _collect(self, op: ast.Collect) -> str:
        text = "COLLECT"
        if op.groups:
            text += " " + self._assignments(op.groups)
        if op.aggregates:
            text += " AGGREGATE " + self._assignments(op.aggregates)
        if op.into is not None:
            text += f" INTO {_name(op.into.name)}"
            if op.into_expr is not None:
                text += f" = {self.expr(op.into_expr)}"
            elif op.keep:
                text += " KEEP " + ", ".join(_name(v.name) for v in op.into_vars)
        if op.count_into is not None:
            text += f" WITH COUNT INTO {_name(op.count_into.name)}"
        return text + self._options(op.options)

    def _window(self, op: ast.Window) -> str:
        text = "WINDOW "
        if op.range_expr is not None:
            text += f"{self.expr(op.range_expr)} WITH "
        return text + f"{self.expr(op.spec)} AGGREGATE {self._assignments(op.aggregates)}"

    def _return(self, op: ast.Return) -> str:
        return "RETURN " + ("DISTINCT " if op.distinct else "") + self.expr(op.expr)

    def _insert(self, op: ast.Insert) -> str:
        text = f"INSERT {self._document(op.doc)} INTO {self.expr(op.collection)}"
        return text + self._options(op.options)

    def _update_or_replace(self, op: ast.Update | ast.Replace) -> str:
        keyword = "UPDATE" if isinstance(op, ast.Update) else "REPLACE"
        text = keyword + " "
        if op.key is not None:
            text += f"{self._document(op.key)} WITH "
        text += f"{self._document(op.doc)} IN {self.expr(op.collection)}"
        return text + self._options(op.options)

    def _remove(self, op: ast.Remove) -> str:
        text = f"REMOVE {self._document(op.key)} IN {self.expr(op.collection)}"
        return text + self._options(op.options)

    def _upsert(self, op: ast.Upsert) -> str:
        search = self.expr(op.search)
        text = "UPSERT " + (f"FILTER {search}" if op.candidate is not None else search)
        text += f" INSERT {self.expr(op.insert)}"
        text += f" {'REPLACE' if op.replace else 'UPDATE'} {self._document(op.update)}"
        text += f" IN {self.expr(op.collection)}"
        return text + self._options(op.options)

    OPERATIONS: dict[type[ast.Operation], Callable[[_Printer, Any], str]] = {
        ast.With: _with,
        ast.For: _for,
        ast.Traversal: _traversal,
        ast.ShortestPath: _shortest_path,
        ast.Let: _let,
        ast.Filter: _filter,
        ast.Sort: _sort,
        ast.Limit: _limit,
        ast.Collect: _collect,
        ast.Window: _window,
        ast.Return: _return,
        ast.Insert: _insert,
        ast.Update: _update_or_replace,
        ast.Replace: _update_or_replace,
        ast.Remove: _remove,
        ast.Upsert: _upsert,
    }
