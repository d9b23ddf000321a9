"""Expressions compiled to closures: ``compile(node) -> fn(frame) -> value``.

A frame is a list indexed by variable id (the parser gives every variable a
query-wide unique id), so a variable read is a list index. Each AST class has
one compile method, found through :data:`ExpressionCompiler.DISPATCH`; an
unmapped class fails loudly. Constant sub-expressions (no variables, no
collections, no non-deterministic calls) are evaluated once, at compile time.

AQL's operator semantics live here: arithmetic casts operands with
``TO_NUMBER`` and turns invalid results into ``null`` (division by zero also
warns, 1562); comparisons use the type order of :mod:`arangolite.aql.values`;
``&&``/``||`` return operands, not booleans; accessing an attribute of a
non-object gives ``null``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from arangolite.aql import ast
from arangolite.aql.context import PAUSE, QueryContext
from arangolite.aql.functions import FUNCTIONS
from arangolite.aql.functions.array import flatten_values
from arangolite.aql.functions.misc import COLLECTION_NAME_ARGUMENT
from arangolite.aql.values import (
    compare,
    hash_key,
    is_number,
    number,
    number_to_string,
    to_bool,
    to_number,
    to_string,
    values_equal,
)
from arangolite.errors import ArangoError, E

__all__ = ["ExpressionCompiler", "Fn", "Frame"]

Frame = list[Any]
Fn = Callable[[Frame], Any]
#: compiles a subquery body into "run it for this frame" (supplied by the executor)
QueryCompiler = Callable[[ast.Query], Callable[[Frame], Iterator[Any]]]

_COMPARE: dict[str, Callable[[int], bool]] = {
    "==": lambda c: c == 0,
    "!=": lambda c: c != 0,
    "<": lambda c: c < 0,
    "<=": lambda c: c <= 0,
    ">": lambda c: c > 0,
    ">=": lambda c: c >= 0,
}


def _arith(op: str, a: Any, b: Any, ctx: QueryContext) -> Any:
    x, y = to_number(a), to_number(b)
    if op == "+":
        return number(x + y)
    if op == "-":
        return number(x - y)
    if op == "*":
        return number(x * y)
    if y == 0:
        ctx.warn(E.QUERY_DIVISION_BY_ZERO, "division by zero")
        return None
    if op == "/":
        return number(x / y)
    # AQL's modulus keeps the sign of the dividend (C's fmod)
    if isinstance(x, int) and isinstance(y, int):
        remainder = abs(x) % abs(y)
        return remainder if x >= 0 else -remainder
    return number(math.fmod(x, y))


def _in(value: Any, container: Any) -> bool:
    if not isinstance(container, list):
        return False
    return any(values_equal(value, item) for item in container)


def get_attribute(obj: Any, name: str) -> Any:
    return obj.get(name) if type(obj) is dict else None


def get_indexed(obj: Any, index: Any) -> Any:
    """``obj[index]``: array positions (negative from the end) or object attributes."""
    if type(obj) is list:
        if is_number(index):
            i = int(index)
        elif isinstance(index, str):
            try:
                i = int(index.strip())
            except ValueError:
                return None
        else:
            return None
        if i < 0:
            i += len(obj)
        return obj[i] if 0 <= i < len(obj) else None
    if type(obj) is dict:
        if isinstance(index, str):
            return obj.get(index)
        if is_number(index):
            return obj.get(number_to_string(index))
        return None
    return None


def _range(low: Any, high: Any) -> range:
    start, stop = int(to_number(low)), int(to_number(high))
    if start <= stop:
        return range(start, stop + 1)
    return range(start, stop - 1, -1)


class ExpressionCompiler:
    """Compiles AST expressions of one query into closures over a frame."""

    def __init__(
        self, ctx: QueryContext, bind_vars: dict[str, Any], compile_query: QueryCompiler
    ) -> None:
        self.ctx = ctx
        self.bind_vars = bind_vars
        self.compile_query = compile_query

    def compile(self, node: ast.Expr) -> Fn:
        if not isinstance(node, ast.Literal) and self._foldable(node):
            value = self._dispatch(node)([])
            return lambda frame: value
        return self._dispatch(node)

    def constant(self, node: ast.Expr) -> Any:
        """Evaluate an expression that must be known at compile time (LIMIT, OPTIONS)."""
        return self._dispatch(node)([])

    def _dispatch(self, node: ast.Expr) -> Fn:
        method = self.DISPATCH.get(type(node))
        if method is None:
            raise ArangoError(
                E.NOT_IMPLEMENTED, f"unsupported AQL expression {type(node).__name__}"
            )
        return method(self, node)

    def _foldable(self, node: ast.Expr) -> bool:
        """No variables, collections or subqueries, only deterministic calls."""
        for sub in ast.walk(node):
            if isinstance(sub, ast.FunctionCall):
                spec = FUNCTIONS.get(sub.name)
                if spec is None or not spec.deterministic:
                    return False
            elif isinstance(
                sub,
                ast.VariableRef | ast.CollectionRef | ast.DataSourceParameter | ast.Subquery,
            ):
                return False
        return True

    # ------------------------------------------------------------------ values
    def _literal(self, node: ast.Literal) -> Fn:
        value = node.value
        return lambda frame: value

    def _array(self, node: ast.ArrayLiteral) -> Fn:
        fns = [self.compile(e) for e in node.elements]
        return lambda frame: [fn(frame) for fn in fns]

    def _object(self, node: ast.ObjectLiteral) -> Fn:
        fixed: list[tuple[str, Fn]] = []
        dynamic: list[tuple[Fn, Fn]] = []
        order: list[tuple[bool, int]] = []
        for item in node.items:
            value_fn = self.compile(item.value)
            if isinstance(item.key, str):
                order.append((True, len(fixed)))
                fixed.append((item.key, value_fn))
            else:
                order.append((False, len(dynamic)))
                dynamic.append((self.compile(item.key), value_fn))
        if not dynamic:
            return lambda frame: {name: fn(frame) for name, fn in fixed}

        def build(frame: Frame) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for is_fixed, index in order:
                if is_fixed:
                    name, fn = fixed[index]
                    out[name] = fn(frame)
                else:
                    key_fn, value_fn = dynamic[index]
                    key = key_fn(frame)
                    if key is None:
                        continue
                    out[to_string(key)] = value_fn(frame)
            return out

        return build

    def _bind_parameter(self, node: ast.BindParameter) -> Fn:
        value = self.bind_vars[node.name]
        return lambda frame: value

    def _collection(self, node: ast.CollectionRef | ast.DataSourceParameter) -> Fn:
        name = node.name if isinstance(node, ast.CollectionRef) else str(self.bind_vars[node.name])
        ctx = self.ctx
        collection = ctx.db.collection(name)
        ctx.warn(
            E.QUERY_COLLECTION_USED_IN_EXPRESSION,
            f"collection '{collection.name}' used as expression operand",
        )

        def documents(frame: Frame) -> list[Any]:
            docs = []
            for key in list(collection.keys(ctx.trx)):
                raw = collection.get_raw(key, ctx.trx)
                if raw is not None:
                    docs.append(orjson.loads(raw))
            return docs

        return documents

    def _variable(self, node: ast.VariableRef) -> Fn:
        index = node.var.id
        return lambda frame: frame[index]

    # ------------------------------------------------------------------ access
    def _attribute(self, node: ast.AttributeAccess) -> Fn:
        name = node.name
        if isinstance(node.object, ast.VariableRef):
            index = node.object.var.id

            def from_variable(frame: Frame) -> Any:
                obj = frame[index]
                return obj.get(name) if type(obj) is dict else None

            return from_variable
        obj_fn = self.compile(node.object)

        def access(frame: Frame) -> Any:
            obj = obj_fn(frame)
            return obj.get(name) if type(obj) is dict else None

        return access

    def _bound_attribute(self, node: ast.BoundAttributeAccess) -> Fn:
        obj_fn = self.compile(node.object)
        name = self.constant(node.name)
        if isinstance(name, str):
            return lambda frame: get_attribute(obj_fn(frame), name)
        if isinstance(name, list) and name and all(isinstance(n, str) for n in name):
            path = list(name)

            def walk_path(frame: Frame) -> Any:
                value = obj_fn(frame)
                for part in path:
                    value = get_attribute(value, part)
                return value

            return walk_path
        raise ArangoError(
            E.QUERY_BIND_PARAMETER_TYPE,
            f"bind parameter '{getattr(node.name, 'name', '')}' has an invalid value or type",
        )

    def _indexed(self, node: ast.IndexedAccess) -> Fn:
        obj_fn = self.compile(node.object)
        index_fn = self.compile(node.index)
        return lambda frame: get_indexed(obj_fn(frame), index_fn(frame))

    def _expansion(self, node: ast.Expansion) -> Fn:
        source_fn = self.compile(node.source)
        slot = node.iterator.id
        filter_fn = self.compile(node.filter) if node.filter is not None else None
        offset = int(to_number(self.constant(node.offset))) if node.offset is not None else 0
        count = int(to_number(self.constant(node.count))) if node.count is not None else None
        expr_fn = self.compile(node.expr)
        levels = node.levels

        def expand(frame: Frame) -> list[Any]:
            source = source_fn(frame)
            if not isinstance(source, list):
                return []
            if levels > 1:
                source = flatten_values(source, levels - 1)
            inner = list(frame)
            out: list[Any] = []
            skip = offset
            for item in source:
                inner[slot] = item
                if filter_fn is not None and not to_bool(filter_fn(inner)):
                    continue
                if skip > 0:
                    skip -= 1
                    continue
                if count is not None and len(out) >= count:
                    break
                out.append(expr_fn(inner))
            return out

        return expand

    def _array_filter(self, node: ast.ArrayFilter) -> Fn:
        source_fn = self.compile(node.source)
        slot = node.iterator.id
        filter_fn = self.compile(node.filter) if node.filter is not None else None
        quantifier = node.quantifier
        value_fn = (
            self.compile(quantifier.value)
            if quantifier is not None and quantifier.value is not None
            else None
        )
        kind = quantifier.kind if quantifier is not None else "ANY"
        levels = node.levels

        def test(frame: Frame) -> bool:
            source = source_fn(frame)
            if not isinstance(source, list):
                return False
            if levels > 1:
                source = flatten_values(source, levels - 1)
            inner = list(frame)
            hits = 0
            for item in source:
                inner[slot] = item
                if filter_fn is None or to_bool(filter_fn(inner)):
                    hits += 1
            if kind == "ANY":
                return hits > 0
            if kind == "ALL":
                return hits == len(source)
            if kind == "NONE":
                return hits == 0
            wanted = value_fn(frame) if value_fn is not None else None
            if kind == "AT LEAST":
                return hits >= to_number(wanted)
            if isinstance(wanted, list) and wanted:
                return to_number(wanted[0]) <= hits <= to_number(wanted[-1])
            return hits == to_number(wanted)

        return test

    def _parenthesized(self, node: ast.Parenthesized) -> Fn:
        return self.compile(node.expr)

    # ------------------------------------------------------------------ operators
    def _unary(self, node: ast.Unary) -> Fn:
        fn = self.compile(node.operand)
        if node.op == "!":
            return lambda frame: not to_bool(fn(frame))
        if node.op == "-":
            return lambda frame: number(-to_number(fn(frame)))
        return lambda frame: number(to_number(fn(frame)))

    def _binary(self, node: ast.Binary) -> Fn:
        op = node.op
        left = self.compile(node.left)
        right = self.compile(node.right)
        ctx = self.ctx
        if op == "&&":
            return lambda frame: value if not to_bool(value := left(frame)) else right(frame)
        if op == "||":
            return lambda frame: value if to_bool(value := left(frame)) else right(frame)
        if op in ("+", "-", "*", "/", "%"):
            return lambda frame: _arith(op, left(frame), right(frame), ctx)
        if op in _COMPARE:
            test = _COMPARE[op]
            if op == "==":
                return lambda frame: compare(left(frame), right(frame)) == 0
            return lambda frame: test(compare(left(frame), right(frame)))
        if op in ("IN", "NOT IN"):
            negate = op == "NOT IN"
            if self._foldable(node.right):
                container = self.constant(node.right)
                if isinstance(container, list):
                    keys = {hash_key(v) for v in container}
                    if negate:
                        return lambda frame: hash_key(left(frame)) not in keys
                    return lambda frame: hash_key(left(frame)) in keys
                return lambda frame: negate
            if negate:
                return lambda frame: not _in(left(frame), right(frame))
            return lambda frame: _in(left(frame), right(frame))
        raise ArangoError(E.NOT_IMPLEMENTED, f"unsupported operator {op}")

    def _array_comparison(self, node: ast.ArrayComparison) -> Fn:
        left = self.compile(node.left)
        right = self.compile(node.right)
        kind = node.quantifier.kind
        count_fn = (
            self.compile(node.quantifier.value) if node.quantifier.value is not None else None
        )
        op = node.op
        if op in ("IN", "NOT IN"):
            negate = op == "NOT IN"

            def element_test(item: Any, other: Any) -> bool:
                return _in(item, other) != negate

        else:
            test = _COMPARE[op]

            def element_test(item: Any, other: Any) -> bool:
                return test(compare(item, other))

        def evaluate(frame: Frame) -> bool:
            values = left(frame)
            if not isinstance(values, list):
                return False
            other = right(frame)
            hits = sum(1 for item in values if element_test(item, other))
            if kind == "ALL":
                return hits == len(values)
            if kind == "ANY":
                return hits > 0
            if kind == "NONE":
                return hits == 0
            wanted = to_number(count_fn(frame)) if count_fn is not None else 0
            return hits >= wanted

        return evaluate

    def _range(self, node: ast.Range) -> Fn:
        low = self.compile(node.low)
        high = self.compile(node.high)
        return lambda frame: list(_range(low(frame), high(frame)))

    def lazy_range(self, node: ast.Range) -> Callable[[Frame], range]:
        """``a..b`` without building the list (FOR i IN 1..1000000)."""
        low = self.compile(node.low)
        high = self.compile(node.high)
        return lambda frame: _range(low(frame), high(frame))

    def _ternary(self, node: ast.Ternary) -> Fn:
        condition = self.compile(node.condition)
        otherwise = self.compile(node.otherwise)
        if node.then is None:
            return lambda frame: value if to_bool(value := condition(frame)) else otherwise(frame)
        then = self.compile(node.then)
        return lambda frame: then(frame) if to_bool(condition(frame)) else otherwise(frame)

    def _function_call(self, node: ast.FunctionCall) -> Fn:
        spec = FUNCTIONS[node.name]
        fn = spec.fn
        ctx = self.ctx
        args = list(node.args)
        if (
            node.name in ("LENGTH", "COUNT")
            and len(args) == 1
            and isinstance(args[0], ast.CollectionRef | ast.DataSourceParameter)
        ):
            # LENGTH(collection) is the documented way to count a collection
            target = args[0]
            name = (
                target.name
                if isinstance(target, ast.CollectionRef)
                else str(self.bind_vars[target.name])
            )
            collection = ctx.db.collection(name)
            return lambda frame: collection.count(ctx.trx)
        arg_fns: list[Fn] = []
        for i, arg in enumerate(args):
            if (
                i == 0
                and node.name in COLLECTION_NAME_ARGUMENT
                and isinstance(arg, ast.CollectionRef | ast.DataSourceParameter)
                and (node.name != "DOCUMENT" or len(args) == 2)
            ):
                name = (
                    arg.name
                    if isinstance(arg, ast.CollectionRef)
                    else str(self.bind_vars[arg.name])
                )
                arg_fns.append(lambda frame, n=name: n)
            else:
                arg_fns.append(self.compile(arg))
        name = node.name

        def call(frame: Frame) -> Any:
            values = [a(frame) for a in arg_fns]
            try:
                return fn(ctx, *values)
            except ArangoError:
                raise
            except (TypeError, ValueError, OverflowError, ArithmeticError, KeyError, IndexError):
                # bad data must never become a 500: ArangoDB warns and returns null
                ctx.invalid_argument(name)
                return None

        return call

    def _subquery(self, node: ast.Subquery) -> Fn:
        run = self.compile_query(node.query)
        return lambda frame: [v for v in run(frame) if v is not PAUSE]

    DISPATCH: dict[type[ast.Expr], Callable[[ExpressionCompiler, Any], Fn]] = {
        ast.Literal: _literal,
        ast.ArrayLiteral: _array,
        ast.ObjectLiteral: _object,
        ast.BindParameter: _bind_parameter,
        ast.DataSourceParameter: _collection,
        ast.CollectionRef: _collection,
        ast.VariableRef: _variable,
        ast.AttributeAccess: _attribute,
        ast.BoundAttributeAccess: _bound_attribute,
        ast.IndexedAccess: _indexed,
        ast.Expansion: _expansion,
        ast.ArrayFilter: _array_filter,
        ast.Parenthesized: _parenthesized,
        ast.Unary: _unary,
        ast.Binary: _binary,
        ast.ArrayComparison: _array_comparison,
        ast.Range: _range,
        ast.Ternary: _ternary,
        ast.FunctionCall: _function_call,
        ast.Subquery: _subquery,
    }
