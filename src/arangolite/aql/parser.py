"""AQL's parser: tokens -> :mod:`arangolite.aql.ast`, table-driven recursive descent.

Statements are dispatched through :attr:`Parser.STATEMENTS` (one method per
high-level operation). Binary operators are parsed by precedence level, one
table per row of ArangoDB's operator precedence table (lowest first)::

    ? :                       ternary (right-associative)
    || OR                     _OR
    && AND                    _AND
    == != LIKE =~ !~ (NOT LIKE, quantified ALL/ANY/NONE/AT LEAST comparisons)
    IN, NOT IN                _IN
    < <= > >=                 _RELATIONAL
    ..                        range
    + -                       _ADDITIVE
    * / %                     _MULTIPLICATIVE
    ! NOT + - (unary)
    . [] [*] () (postfix)

Like ArangoDB, ``NOT`` binds tighter than comparisons, so ``NOT a == b`` is
``(NOT a) == b``.

Names are resolved here (see :mod:`arangolite.aql.ast`), with ArangoDB's scope
rules: ``FOR`` opens a scope, ``RETURN`` and ``COLLECT`` close the ``FOR``
scopes of the current (sub)query, a subquery sees the variables around it.

Every syntax error goes through :meth:`Parser.raise_error`, which produces
ArangoDB's text: ``syntax error, unexpected <token> near '<query from the
token on>' at position <line>:<column>`` (errorNum 1501, HTTP 400).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, NoReturn

from arangolite.aql import ast
from arangolite.aql.errors import error_at
from arangolite.aql.functions import lookup
from arangolite.aql.tokens import Token, TokenType, tokenize
from arangolite.errors import AqlError, ArangoError, E

__all__ = ["Parser", "ParsedQuery", "parse", "AGGREGATE_FUNCTIONS"]

T = TokenType

#: functions allowed on the right-hand side of ``AGGREGATE`` (and ``WINDOW``)
AGGREGATE_FUNCTIONS = frozenset(
    {
        "LENGTH",
        "COUNT",
        "MIN",
        "MAX",
        "SUM",
        "AVERAGE",
        "AVG",
        "STDDEV_POPULATION",
        "STDDEV",
        "STDDEV_SAMPLE",
        "VARIANCE_POPULATION",
        "VARIANCE",
        "VARIANCE_SAMPLE",
        "UNIQUE",
        "SORTED_UNIQUE",
        "COUNT_DISTINCT",
        "COUNT_UNIQUE",
        "BIT_AND",
        "BIT_OR",
        "BIT_XOR",
        "PUSH",
    }
)

# operator tables, one per precedence level
_OR = {T.OR: "||"}
_AND = {T.AND: "&&"}
_EQUALITY = {T.EQ: "==", T.NE: "!="}
_IN = {T.IN: "IN", T.NOT_IN: "NOT IN"}
_RELATIONAL = {T.LT: "<", T.LE: "<=", T.GT: ">", T.GE: ">="}
_ADDITIVE = {T.PLUS: "+", T.MINUS: "-"}
_MULTIPLICATIVE = {T.TIMES: "*", T.DIV: "/", T.MOD: "%"}
_UNARY = {T.NOT: "!", T.PLUS: "+", T.MINUS: "-"}
#: operators that may follow a quantifier (``ALL ==``, ``ANY IN`` …)
_QUANTIFIABLE = {**_EQUALITY, **_RELATIONAL, **_IN}
_QUANTIFIERS = {T.ALL: "ALL", T.ANY: "ANY", T.NONE: "NONE"}
_DIRECTIONS = {T.OUTBOUND: "OUTBOUND", T.INBOUND: "INBOUND", T.ANY: "ANY"}
_PATH_KINDS = {
    T.SHORTEST_PATH: "SHORTEST_PATH",
    T.K_SHORTEST_PATHS: "K_SHORTEST_PATHS",
    T.K_PATHS: "K_PATHS",
    T.ALL_SHORTEST_PATHS: "ALL_SHORTEST_PATHS",
}

_MAIN, _SUBQUERY, _FOR, _COLLECT = "main", "subquery", "for", "collect"


@dataclass
class _Scope:
    kind: str
    vars: dict[str, ast.Var] = field(default_factory=dict)


@dataclass
class ParsedQuery:
    """The parse result and what the parser learned on the way."""

    query: str
    ast: ast.Query
    #: bind parameter names in order of first use; collection parameters as ``@name``
    bind_parameters: list[str]
    #: collection name -> "read" or "write", for names written in the query
    collections: dict[str, str]
    var_count: int
    is_modification: bool


class Parser:
    """One parse of one query string (not reusable)."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = tokenize(query)
        self.pos = 0
        self.scopes: list[_Scope] = []
        self.var_count = 0
        self.bind_parameters: dict[str, None] = {}
        self.collections: dict[str, str] = {}
        self.current: list[ast.Var] = []
        self.is_modification = False
        # while parsing the document of INSERT/UPDATE/REPLACE/REMOVE/UPSERT, a
        # top-level IN ends the expression (it starts "IN collection")
        self.stop_at_in = False

    # ------------------------------------------------------------------ cursor helpers
    def peek(self, ahead: int = 0) -> Token:
        index = min(self.pos + ahead, len(self.tokens) - 1)
        return self.tokens[index]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        if token.type != T.END:
            self.pos += 1
        return token

    def match(self, type: TokenType) -> Token | None:
        if self.tokens[self.pos].type == type:
            return self.advance()
        return None

    def expect(self, type: TokenType) -> Token:
        token = self.tokens[self.pos]
        if token.type != type:
            self.unexpected(token)
        return self.advance()

    def raise_error(self, message: str, token: Token, error_num: int = E.QUERY_PARSE) -> NoReturn:
        """The one way a parse error is raised: ``<message> near '…' at position L:C``."""
        raise error_at(error_num, message, self.query, token)

    def unexpected(self, token: Token) -> NoReturn:
        self.raise_error(f"syntax error, unexpected {token.name}", token)

    def span(self, first: Token) -> ast.Span:
        """From ``first`` to the end of the last consumed token."""
        last = self.tokens[self.pos - 1] if self.pos > 0 else first
        return ast.Span(first.start, max(last.end, first.start), first.line, first.col)

    def _node(self, cls: type[Any], first: Token, **fields: Any) -> Any:
        """Build every node here, so its span cannot be forgotten."""
        return cls(self.span(first), **fields)

    # ------------------------------------------------------------------ scopes
    def _lookup(self, name: str) -> ast.Var | None:
        for scope in reversed(self.scopes):
            found = scope.vars.get(name)
            if found is not None:
                return found
        return None

    def _new_var(self, name: str) -> ast.Var:
        var = ast.Var(name, self.var_count)
        self.var_count += 1
        return var

    def _declare(self, name: str, token: Token) -> ast.Var:
        if self._lookup(name) is not None:
            raise AqlError(
                E.QUERY_VARIABLE_REDECLARED, f"variable '{name}' is assigned multiple times"
            )
        var = self._new_var(name)
        self.scopes[-1].vars[name] = var
        return var

    def _declare_special(self, name: str) -> ast.Var:
        """``NEW``/``OLD`` after a modification; a user variable of that name wins."""
        var = self._new_var(name)
        self.scopes[-1].vars["$" + name] = var
        return var

    def _end_nested(self) -> None:
        while self.scopes and self.scopes[-1].kind not in (_MAIN, _SUBQUERY):
            self.scopes.pop()

    def _resolve(self, name: str) -> ast.Var | None:
        var = self._lookup(name)
        if var is None and name in ("NEW", "OLD"):
            var = self._lookup("$" + name)
        if var is None and name == "CURRENT" and self.current:
            var = self.current[-1]
        return var

    # ------------------------------------------------------------------ entry
    def parse(self) -> ParsedQuery:
        self.scopes.append(_Scope(_MAIN))
        first = self.peek()
        operations: list[ast.Operation] = []
        if first.type == T.WITH:
            operations.append(self._parse_with())
        body = self._parse_body()
        self.expect(T.END)
        query = ast.Query(body.span, tuple(operations) + body.operations)
        return ParsedQuery(
            query=self.query,
            ast=query,
            bind_parameters=list(self.bind_parameters),
            collections=self.collections,
            var_count=self.var_count,
            is_modification=self.is_modification,
        )

    def _parse_with(self) -> ast.With:
        first = self.advance()
        names: list[ast.Expr] = []
        while True:
            token = self.peek()
            if token.type == T.IDENTIFIER:
                self.advance()
                names.append(self._node(ast.CollectionRef, token, name=token.value))
                self.collections.setdefault(str(token.value), "read")
            elif token.type in (T.DATA_SOURCE_PARAMETER, T.PARAMETER):
                names.append(self._parse_data_source_parameter())
            else:
                if names:
                    break
                self.unexpected(token)
            self.match(T.COMMA)
        return self._node(ast.With, first, collections=tuple(names))

    def _parse_body(self) -> ast.Query:
        """Statements up to and including the final RETURN or modification."""
        first = self.peek()
        operations: list[ast.Operation] = []
        while True:
            token = self.peek()
            handler = self.STATEMENTS.get(token.type)
            if handler is None:
                self.unexpected(token)
            produced = handler(self)
            if isinstance(produced, list):
                operations.extend(produced)
                continue
            operations.append(produced)
            if isinstance(produced, ast.Return):
                break
            if isinstance(produced, ast.MODIFICATIONS) and self.peek().type not in self.STATEMENTS:
                self._end_nested()
                break
        return ast.Query(self.span(first), tuple(operations))

    # ------------------------------------------------------------------ statements
    def _parse_for(self) -> ast.Operation:
        first = self.advance()
        names = [self._expect_name()]
        while self.match(T.COMMA):
            names.append(self._expect_name())
        self.expect(T.IN)
        token = self.peek()
        if token.type in _DIRECTIONS:
            return self._parse_graph_for(first, names, None)
        source = self.parse_expression()
        if self.peek().type in _DIRECTIONS:
            return self._parse_graph_for(first, names, source)
        if len(names) > 1:
            self.raise_error(
                "Collections and views FOR loops only allow a single return variable", first
            )
        self.scopes.append(_Scope(_FOR))
        var = self._declare(str(names[0].value), names[0])
        search = options = None
        qualifier = self.peek()
        if qualifier.type == T.IDENTIFIER:
            self.advance()
            word = str(qualifier.value).upper()
            expr = self.parse_expression()
            if word == "SEARCH":
                search = expr
                second = self.peek()
                if second.type == T.IDENTIFIER:
                    self.advance()
                    if str(second.value).upper() != "OPTIONS":
                        self.raise_error(
                            f"unexpected qualifier '{qualifier.value}', expecting 'SEARCH' and 'OPTIONS'",
                            second,
                        )
                    options = self._validate_options(self.parse_expression(), second)
            elif word == "OPTIONS":
                options = self._validate_options(expr, qualifier)
            else:
                self.raise_error(
                    f"unexpected qualifier '{qualifier.value}', expecting 'SEARCH' or 'OPTIONS'",
                    qualifier,
                )
        if isinstance(source, ast.CollectionRef):
            self.collections.setdefault(source.name, "read")
        return self._node(ast.For, first, var=var, source=source, search=search, options=options)

    def _expect_name(self) -> Token:
        token = self.peek()
        if token.type != T.IDENTIFIER:
            self.unexpected(token)
        return self.advance()

    def _parse_graph_for(
        self, first: Token, names: list[Token], depth: ast.Expr | None
    ) -> ast.Operation:
        direction = _DIRECTIONS[self.advance().type]
        kind_token = self.peek()
        if kind_token.type in _PATH_KINDS:
            kind = _PATH_KINDS[self.advance().type]
            if depth is not None and kind != "K_PATHS":
                self.unexpected(kind_token)
            start = self.parse_expression()
            to = self.peek()
            if to.type != T.IDENTIFIER or str(to.value).upper() != "TO":
                if to.type == T.IDENTIFIER:
                    self.raise_error(f"unexpected qualifier '{to.value}', expecting 'TO'", to)
                self.unexpected(to)
            self.advance()
            target = self.parse_expression()
            graph, edges = self._parse_graph_subject()
            options = self._parse_options()
            if len(names) > (2 if kind == "SHORTEST_PATH" else 1):
                message = (
                    "SHORTEST_PATH must have one or two return variables"
                    if kind == "SHORTEST_PATH"
                    else f"{kind} only has one return variable"
                )
                self.raise_error(message, first)
            self.scopes.append(_Scope(_FOR))
            vertex = self._declare(str(names[0].value), names[0])
            edge = self._declare(str(names[1].value), names[1]) if len(names) > 1 else None
            return self._node(
                ast.ShortestPath,
                first,
                kind=kind,
                vertex=vertex,
                edge=edge,
                depth=depth,
                direction=direction,
                start=start,
                target=target,
                graph=graph,
                edge_collections=edges,
                options=options,
            )
        start = self.parse_expression()
        graph, edges = self._parse_graph_subject()
        if len(names) > 3:
            self.raise_error("Traversals only have one, two or three return variables", first)
        self.scopes.append(_Scope(_FOR))
        declared = [self._declare(str(n.value), n) for n in names]
        prune = prune_var = options = None
        qualifier = self.peek()
        if qualifier.type == T.IDENTIFIER:
            self.advance()
            word = str(qualifier.value).upper()
            if word == "PRUNE":
                if self.peek().type == T.IDENTIFIER and self.peek(1).type == T.ASSIGN:
                    name = self.advance()
                    self.advance()
                    prune = self.parse_expression()
                    prune_var = self._declare(str(name.value), name)
                else:
                    prune = self.parse_expression()
                options = self._parse_options()
            elif word == "OPTIONS":
                options = self._validate_options(self._parse_object(), qualifier)
            else:
                self.raise_error(
                    f"unexpected qualifier '{qualifier.value}', expecting 'PRUNE' or 'OPTIONS'",
                    qualifier,
                )
        return self._node(
            ast.Traversal,
            first,
            vertex=declared[0],
            edge=declared[1] if len(declared) > 1 else None,
            path=declared[2] if len(declared) > 2 else None,
            depth=depth,
            direction=direction,
            start=start,
            graph=graph,
            edge_collections=edges,
            prune=prune,
            prune_var=prune_var,
            options=options,
        )

    def _parse_graph_subject(
        self,
    ) -> tuple[ast.Expr | None, tuple[tuple[str | None, ast.Expr], ...]]:
        token = self.peek()
        if token.type == T.GRAPH:
            self.advance()
            name = self.peek()
            if name.type in (T.STRING, T.IDENTIFIER):
                self.advance()
                return self._node(ast.Literal, name, value=name.value), ()
            if name.type == T.PARAMETER:
                return self._parse_bind_parameter(), ()
            self.unexpected(name)
        edges: list[tuple[str | None, ast.Expr]] = []
        while True:
            direction = None
            token = self.peek()
            if token.type in _DIRECTIONS:
                direction = _DIRECTIONS[self.advance().type]
                token = self.peek()
            if token.type == T.IDENTIFIER:
                self.advance()
                self.collections.setdefault(str(token.value), "read")
                edges.append((direction, self._node(ast.CollectionRef, token, name=token.value)))
            elif token.type in (T.DATA_SOURCE_PARAMETER, T.PARAMETER):
                edges.append((direction, self._parse_data_source_parameter()))
            else:
                self.unexpected(token)
            if not self.match(T.COMMA):
                break
        return None, tuple(edges)

    def _parse_let(self) -> list[ast.Operation]:
        self.advance()
        lets: list[ast.Operation] = []
        while True:
            name = self._expect_name()
            self.expect(T.ASSIGN)
            expr = self.parse_expression()
            var = self._declare(str(name.value), name)
            lets.append(self._node(ast.Let, name, var=var, expr=expr))
            if not self.match(T.COMMA):
                return lets

    def _parse_filter(self) -> ast.Filter:
        first = self.advance()
        return self._node(ast.Filter, first, condition=self.parse_expression())

    def _parse_sort(self) -> ast.Sort:
        first = self.advance()
        elements: list[ast.SortElement] = []
        while True:
            start = self.peek()
            expr = self.parse_expression()
            direction: bool | ast.Expr = True
            token = self.peek()
            if token.type == T.ASC:
                self.advance()
            elif token.type == T.DESC:
                self.advance()
                direction = False
            elif token.type in (T.STRING, T.INTEGER, T.DOUBLE, T.NULL, T.TRUE, T.FALSE):
                self.advance()
                direction = self._node(ast.Literal, token, value=self._literal_value(token))
            elif token.type == T.PARAMETER:
                direction = self._parse_bind_parameter()
            elements.append(self._node(ast.SortElement, start, expr=expr, ascending=direction))
            if not self.match(T.COMMA):
                break
        return self._node(ast.Sort, first, elements=tuple(elements))

    def _parse_limit(self) -> ast.Limit:
        first = self.advance()
        value = self.parse_expression()
        if self.match(T.COMMA):
            count = self.parse_expression()
            return self._node(ast.Limit, first, offset=value, count=count)
        zero = ast.Literal(value.span, 0)
        return self._node(ast.Limit, first, offset=zero, count=value)

    def _parse_return(self) -> ast.Return:
        first = self.advance()
        distinct = False
        token = self.peek()
        if token.type == T.DISTINCT:
            if self.scopes[-1].kind in (_MAIN, _SUBQUERY):
                self.raise_error("cannot use DISTINCT modifier on top-level query element", token)
            self.advance()
            distinct = True
        expr = self.parse_expression()
        self._end_nested()
        return self._node(ast.Return, first, expr=expr, distinct=distinct)

    def _parse_collect(self) -> ast.Collect:
        first = self.advance()
        groups: list[tuple[Token, ast.Expr]] = []
        aggregates: list[tuple[Token, ast.Expr]] = []
        into_name: Token | None = None
        into_expr: ast.Expr | None = None
        keep: list[ast.Var] = []
        has_keep = False
        count_name: Token | None = None
        token = self.peek()
        if token.type == T.WITH:
            count_name = self._parse_count_into()
        else:
            if token.type != T.AGGREGATE:
                while True:
                    name = self._expect_name()
                    self.expect(T.ASSIGN)
                    groups.append((name, self.parse_expression()))
                    if not self.match(T.COMMA):
                        break
            token = self.peek()
            if token.type == T.WITH and groups:
                count_name = self._parse_count_into()
            else:
                if token.type == T.AGGREGATE:
                    aggregates = self._parse_aggregates()
                if self.peek().type == T.INTO:
                    self.advance()
                    into_name = self._expect_name()
                    if self.match(T.ASSIGN):
                        into_expr = self.parse_expression()
                keep_token = self.peek()
                if (
                    keep_token.type == T.IDENTIFIER
                    and str(keep_token.value).upper() != "OPTIONS"
                    and groups
                    and not aggregates
                ):
                    self.advance()
                    if str(keep_token.value).upper() != "KEEP":
                        self.raise_error(
                            f"unexpected qualifier '{keep_token.value}', expecting 'KEEP'",
                            keep_token,
                        )
                    if into_name is None:
                        self.raise_error("use of 'KEEP' without 'INTO'", keep_token)
                    has_keep = True
                    while True:
                        name = self._expect_name()
                        var = self._resolve(str(name.value))
                        if var is None:
                            self.raise_error(
                                f"use of unknown variable '{name.value}' for KEEP", name
                            )
                        keep.append(var)
                        if not self.match(T.COMMA):
                            break
        options = self._parse_options()
        # what an INTO without a projection captures: the variables of the FOR
        # scopes this COLLECT closes, or everything when there are none
        into_vars: tuple[ast.Var, ...] = tuple(keep)
        if into_name is not None and into_expr is None and not has_keep:
            into_vars = self._collect_captures()
        for token, expr in aggregates:
            self._check_aggregate(token, expr)
        # the COLLECT closes the FOR scopes of this (sub)query and opens its own
        if self.scopes[-1].kind not in (_MAIN, _SUBQUERY):
            self._end_nested()
            self.scopes.append(_Scope(_COLLECT))
        group_vars = [
            self._node(ast.Assignment, t, var=self._declare(str(t.value), t), expr=e)
            for t, e in groups
        ]
        aggregate_vars = [
            self._node(ast.Assignment, t, var=self._declare(str(t.value), t), expr=e)
            for t, e in aggregates
        ]
        into = self._declare(str(into_name.value), into_name) if into_name is not None else None
        count_into = (
            self._declare(str(count_name.value), count_name) if count_name is not None else None
        )
        return self._node(
            ast.Collect,
            first,
            groups=tuple(group_vars),
            aggregates=tuple(aggregate_vars),
            into=into,
            into_expr=into_expr,
            into_vars=into_vars,
            count_into=count_into,
            options=options,
            keep=has_keep,
        )

    def _collect_captures(self) -> tuple[ast.Var, ...]:
        nested: list[ast.Var] = []
        index = len(self.scopes) - 1
        while index >= 0 and self.scopes[index].kind not in (_MAIN, _SUBQUERY):
            nested[:0] = [
                v for name, v in self.scopes[index].vars.items() if not name.startswith("$")
            ]
            index -= 1
        if nested:
            return tuple(nested)
        captured: list[ast.Var] = []
        for scope in self.scopes:
            captured.extend(v for name, v in scope.vars.items() if not name.startswith("$"))
        return tuple(captured)

    def _parse_count_into(self) -> Token:
        self.expect(T.WITH)
        word = self.peek()
        if word.type != T.IDENTIFIER:
            self.unexpected(word)
        self.advance()
        if str(word.value).upper() != "COUNT":
            self.raise_error(f"unexpected qualifier '{word.value}', expecting 'COUNT'", word)
        self.expect(T.INTO)
        return self._expect_name()

    def _parse_aggregates(self) -> list[tuple[Token, ast.Expr]]:
        self.expect(T.AGGREGATE)
        out: list[tuple[Token, ast.Expr]] = []
        while True:
            name = self._expect_name()
            self.expect(T.ASSIGN)
            out.append((name, self.parse_expression()))
            if not self.match(T.COMMA):
                return out

    def _check_aggregate(self, token: Token, expr: ast.Expr) -> None:
        if not isinstance(expr, ast.FunctionCall):
            self.raise_error(
                "aggregate expression must be a function call",
                token,
                E.QUERY_INVALID_AGGREGATE_EXPRESSION,
            )
        if expr.name not in AGGREGATE_FUNCTIONS:
            self.raise_error(
                "unknown aggregate function used", token, E.QUERY_INVALID_AGGREGATE_EXPRESSION
            )

    def _parse_window(self) -> ast.Window:
        first = self.advance()
        range_expr: ast.Expr | None = None
        if self.peek().type == T.OBJECT_OPEN:
            spec = self._parse_object()
        else:
            range_expr = self.parse_expression()
            self.expect(T.WITH)
            spec = self._parse_object()
        aggregates = self._parse_aggregates()
        for token, expr in aggregates:
            self._check_aggregate(token, expr)
        assignments = [
            self._node(ast.Assignment, t, var=self._declare(str(t.value), t), expr=e)
            for t, e in aggregates
        ]
        return self._node(
            ast.Window, first, range_expr=range_expr, spec=spec, aggregates=tuple(assignments)
        )

    # ------------------------------------------------------------------ modifications
    def _parse_in_collection(self) -> ast.Expr:
        token = self.peek()
        if token.type not in (T.IN, T.INTO):
            self.unexpected(token)
        self.advance()
        token = self.peek()
        if token.type in (T.IDENTIFIER, T.STRING):
            self.advance()
            self.collections[str(token.value)] = "write"
            return self._node(ast.CollectionRef, token, name=token.value)
        if token.type == T.DATA_SOURCE_PARAMETER:
            return self._parse_data_source_parameter()
        self.unexpected(token)

    def _modification_done(self) -> None:
        self.is_modification = True

    def _parse_insert(self) -> ast.Insert:
        first = self.advance()
        doc = self._parse_document()
        collection = self._parse_in_collection()
        options = self._parse_options()
        self._modification_done()
        new = self._declare_special("NEW")
        old = self._declare_special("OLD")
        return self._node(
            ast.Insert, first, doc=doc, collection=collection, options=options, new=new, old=old
        )

    def _parse_update_or_replace(self) -> ast.Operation:
        first = self.advance()
        cls = ast.Update if first.type == T.UPDATE else ast.Replace
        key: ast.Expr | None = None
        doc = self._parse_document()
        if self.match(T.WITH):
            key = doc
            doc = self._parse_document()
        collection = self._parse_in_collection()
        options = self._parse_options()
        self._modification_done()
        old = self._declare_special("OLD")
        new = self._declare_special("NEW")
        return self._node(
            cls, first, key=key, doc=doc, collection=collection, options=options, new=new, old=old
        )

    def _parse_remove(self) -> ast.Remove:
        first = self.advance()
        key = self._parse_document()
        collection = self._parse_in_collection()
        options = self._parse_options()
        self._modification_done()
        old = self._declare_special("OLD")
        return self._node(
            ast.Remove, first, key=key, collection=collection, options=options, old=old
        )

    def _parse_upsert(self) -> ast.Upsert:
        first = self.advance()
        candidate: ast.Var | None = None
        token = self.peek()
        if token.type == T.FILTER:
            self.advance()
            candidate = self._new_var("$CURRENT")
            self.current.append(candidate)
            try:
                search = self.parse_expression()
            finally:
                self.current.pop()
        elif token.type == T.OBJECT_OPEN:
            search = self._parse_object()
        elif token.type == T.PARAMETER:
            search = self._parse_bind_parameter()
        else:
            self.unexpected(token)
        old = self._declare_special("OLD")
        self.expect(T.INSERT)
        insert = self.parse_expression()
        mode = self.peek()
        if mode.type not in (T.UPDATE, T.REPLACE):
            self.unexpected(mode)
        self.advance()
        update = self._parse_document()
        collection = self._parse_in_collection()
        options = self._parse_options()
        self._modification_done()
        new = self._declare_special("NEW")
        return self._node(
            ast.Upsert,
            first,
            search=search,
            candidate=candidate,
            insert=insert,
            update=update,
            replace=mode.type == T.REPLACE,
            collection=collection,
            options=options,
            new=new,
            old=old,
        )

    def _parse_options(self) -> ast.Expr | None:
        token = self.peek()
        if token.type != T.IDENTIFIER:
            return None
        self.advance()
        if str(token.value).upper() != "OPTIONS":
            self.raise_error(f"unexpected qualifier '{token.value}', expecting 'OPTIONS'", token)
        if self.peek().type != T.OBJECT_OPEN:
            self.unexpected(self.peek())
        return self._validate_options(self._parse_object(), token)

    def _validate_options(self, expr: ast.Expr, token: Token) -> ast.Expr:
        if not isinstance(expr, ast.ObjectLiteral | ast.BindParameter):
            self.raise_error("'OPTIONS' have to be an object", token)
        if not is_constant(expr):
            self.raise_error(
                "'OPTIONS' have to be known at query compile time",
                token,
                E.QUERY_COMPILE_TIME_OPTIONS,
            )
        return expr

    #: statement keyword -> parser method (the high-level operations)
    STATEMENTS: dict[TokenType, Callable[[Parser], Any]] = {
        T.FOR: _parse_for,
        T.LET: _parse_let,
        T.FILTER: _parse_filter,
        T.COLLECT: _parse_collect,
        T.SORT: _parse_sort,
        T.LIMIT: _parse_limit,
        T.WINDOW: _parse_window,
        T.RETURN: _parse_return,
        T.INSERT: _parse_insert,
        T.UPDATE: _parse_update_or_replace,
        T.REPLACE: _parse_update_or_replace,
        T.REMOVE: _parse_remove,
        T.UPSERT: _parse_upsert,
    }

    # ------------------------------------------------------------------ expressions
    def parse_expression(self) -> ast.Expr:
        return self._parse_ternary()

    @contextmanager
    def _inner(self) -> Iterator[None]:
        """Inside brackets, parentheses or a subquery, IN is an operator again."""
        saved, self.stop_at_in = self.stop_at_in, False
        try:
            yield
        finally:
            self.stop_at_in = saved

    def _parse_nested(self) -> ast.Expr:
        with self._inner():
            return self.parse_expression()

    def _parse_document(self) -> ast.Expr:
        """The document/key expression of a modification (stops before ``IN coll``)."""
        saved, self.stop_at_in = self.stop_at_in, True
        try:
            return self.parse_expression()
        finally:
            self.stop_at_in = saved

    def parse_expression_or_query(self) -> ast.Expr:
        """A function argument: an expression, or a bare subquery."""
        if self.peek().type in self.STATEMENTS:
            return self._parse_subquery(self.peek())
        return self._parse_nested()

    def _parse_ternary(self) -> ast.Expr:
        first = self.peek()
        condition = self._parse_binary(0)
        if not self.match(T.QUESTION):
            return condition
        if self.match(T.COLON):
            otherwise = self._parse_ternary()
            return self._node(
                ast.Ternary, first, condition=condition, then=None, otherwise=otherwise
            )
        then = self._parse_ternary()
        self.expect(T.COLON)
        otherwise = self._parse_ternary()
        return self._node(ast.Ternary, first, condition=condition, then=then, otherwise=otherwise)

    # precedence levels, lowest first; _parse_binary(level) parses operators at
    # that level and above
    _LEVELS: tuple[dict[TokenType, str], ...] = (
        _OR,
        _AND,
        _EQUALITY,
        _IN,
        _RELATIONAL,
        {},  # range
        _ADDITIVE,
        _MULTIPLICATIVE,
    )
    _EQUALITY_LEVEL = 2
    _RANGE_LEVEL = 5

    def _parse_binary(self, level: int) -> ast.Expr:
        if level >= len(self._LEVELS):
            return self._parse_unary()
        first = self.peek()
        left = self._parse_binary(level + 1)
        if level == self._RANGE_LEVEL:
            while self.match(T.RANGE):
                right = self._parse_binary(level + 1)
                left = self._node(ast.Range, first, low=left, high=right)
            return left
        table = self._LEVELS[level]
        while True:
            token = self.peek()
            if level == self._EQUALITY_LEVEL:
                combined = self._parse_equality_extra(first, left)
                if combined is not None:
                    left = combined
                    continue
            op = table.get(token.type)
            if op is None or (token.type == T.IN and self.stop_at_in):
                return left
            self.advance()
            right = self._parse_binary(level + 1)
            left = self._node(ast.Binary, first, op=op, left=left, right=right)

    def _parse_equality_extra(self, first: Token, left: ast.Expr) -> ast.Expr | None:
        """LIKE, =~, !~ (and their NOT forms) and quantified array comparisons."""
        token = self.peek()
        kind = token.type
        negate = False
        if kind == T.NOT and self.peek(1).type in (T.LIKE, T.REGEX_MATCH, T.REGEX_NON_MATCH):
            self.advance()
            negate = True
            kind = self.peek().type
        if kind in (T.LIKE, T.REGEX_MATCH, T.REGEX_NON_MATCH):
            self.advance()
            right = self._parse_binary(self._EQUALITY_LEVEL + 1)
            name = "LIKE" if kind == T.LIKE else "REGEX_TEST"
            call = self._node(ast.FunctionCall, first, name=name, args=(left, right))
            if kind == T.REGEX_NON_MATCH:
                negate = not negate
            return self._node(ast.Unary, first, op="!", operand=call) if negate else call
        if kind in _QUANTIFIERS and self.peek(1).type in _QUANTIFIABLE:
            quantifier = self._node(ast.Quantifier, self.advance(), kind=_QUANTIFIERS[kind])
            op = _QUANTIFIABLE[self.advance().type]
            right = self._parse_binary(self._EQUALITY_LEVEL + 1)
            return self._node(
                ast.ArrayComparison, first, op=op, quantifier=quantifier, left=left, right=right
            )
        if kind == T.AT_LEAST:
            at = self.advance()
            self.expect(T.OPEN)
            count = self.parse_expression()
            self.expect(T.CLOSE)
            quantifier = self._node(ast.Quantifier, at, kind="AT LEAST", value=count)
            op_token = self.peek()
            if op_token.type not in _QUANTIFIABLE:
                self.unexpected(op_token)
            self.advance()
            right = self._parse_binary(self._EQUALITY_LEVEL + 1)
            return self._node(
                ast.ArrayComparison,
                first,
                op=_QUANTIFIABLE[op_token.type],
                quantifier=quantifier,
                left=left,
                right=right,
            )
        return None

    def _parse_unary(self) -> ast.Expr:
        token = self.peek()
        op = _UNARY.get(token.type)
        if op is None:
            return self._parse_postfix()
        self.advance()
        operand = self._parse_unary()
        if op == "-" and isinstance(operand, ast.Literal) and _is_plain_number(operand.value):
            return self._node(ast.Literal, token, value=-operand.value)
        if op == "+" and isinstance(operand, ast.Literal) and _is_plain_number(operand.value):
            return self._node(ast.Literal, token, value=operand.value)
        return self._node(ast.Unary, token, op=op, operand=operand)

    def _parse_postfix(self) -> ast.Expr:
        first = self.peek()
        node = self._parse_primary()
        while True:
            token = self.peek()
            if token.type == T.DOT:
                self.advance()
                name = self.peek()
                if name.type == T.IDENTIFIER:
                    self.advance()
                    node = self._access(
                        node,
                        lambda obj, n=name: self._node(
                            ast.AttributeAccess, first, object=obj, name=n.value
                        ),
                    )
                elif name.type == T.PARAMETER:
                    param = self._parse_bind_parameter()
                    node = self._access(
                        node,
                        lambda obj, p=param: self._node(
                            ast.BoundAttributeAccess, first, object=obj, name=p
                        ),
                    )
                else:
                    self.unexpected(name)
            elif token.type == T.ARRAY_OPEN:
                self.advance()
                nxt = self.peek()
                if nxt.type == T.TIMES:
                    with self._inner():
                        node = self._parse_expansion(first, node)
                elif nxt.type == T.QUESTION:
                    with self._inner():
                        node = self._parse_array_filter(first, node)
                else:
                    index = self._parse_nested()
                    self.expect(T.ARRAY_CLOSE)
                    node = self._access(
                        node,
                        lambda obj, i=index: self._node(
                            ast.IndexedAccess, first, object=obj, index=i
                        ),
                    )
            else:
                return node

    def _access(self, node: ast.Expr, build: Callable[[ast.Expr], ast.Expr]) -> ast.Expr:
        """Apply an access; after an expansion it applies per element (patched into it)."""
        if isinstance(node, ast.Expansion):
            return _patch_innermost(node, build)
        return build(node)

    def _parse_expansion(self, first: Token, node: ast.Expr) -> ast.Expr:
        levels = 0
        while self.match(T.TIMES):
            levels += 1
        if isinstance(node, ast.Expansion) and levels > 1:
            node = ast.Parenthesized(node.span, node)
        iterator = self._new_var("$CURRENT")
        self.current.append(iterator)
        try:
            filter_expr = offset = count = projection = None
            if self.match(T.FILTER):
                filter_expr = self.parse_expression()
            elif self.peek().type in _QUANTIFIERS or self.peek().type == T.AT_LEAST:
                self.raise_error(
                    "unexpected quantifier value found for array expansion operation.",
                    self.peek(),
                )
            if self.match(T.LIMIT):
                value = self.parse_expression()
                if self.match(T.COMMA):
                    offset, count = value, self.parse_expression()
                else:
                    offset, count = ast.Literal(value.span, 0), value
            if self.match(T.RETURN):
                projection = self.parse_expression()
            self.expect(T.ARRAY_CLOSE)
        finally:
            self.current.pop()
        expr = projection or ast.VariableRef(self.span(first), iterator)

        def build(source: ast.Expr) -> ast.Expr:
            return self._node(
                ast.Expansion,
                first,
                levels=levels,
                source=source,
                iterator=iterator,
                filter=filter_expr,
                offset=offset,
                count=count,
                expr=expr,
            )

        return self._access(node, build)

    def _parse_array_filter(self, first: Token, node: ast.Expr) -> ast.Expr:
        levels = 0
        while self.match(T.QUESTION):
            levels += 1
        if isinstance(node, ast.Expansion) and levels > 1:
            node = ast.Parenthesized(node.span, node)
        iterator = self._new_var("$CURRENT")
        self.current.append(iterator)
        try:
            quantifier: ast.Quantifier | None = None
            filter_expr = None
            token = self.peek()
            if token.type in _QUANTIFIERS:
                self.advance()
                quantifier = self._node(ast.Quantifier, token, kind=_QUANTIFIERS[token.type])
                self.expect(T.FILTER)
                filter_expr = self.parse_expression()
            elif token.type == T.AT_LEAST:
                self.advance()
                self.expect(T.OPEN)
                value = self.parse_expression()
                self.expect(T.CLOSE)
                quantifier = self._node(ast.Quantifier, token, kind="AT LEAST", value=value)
                self.expect(T.FILTER)
                filter_expr = self.parse_expression()
            elif token.type == T.FILTER:
                self.advance()
                filter_expr = self.parse_expression()
            elif token.type != T.ARRAY_CLOSE:
                value = self.parse_expression()
                quantifier = self._node(ast.Quantifier, token, kind="EXACT", value=value)
                self.expect(T.FILTER)
                filter_expr = self.parse_expression()
            self.expect(T.ARRAY_CLOSE)
        finally:
            self.current.pop()
        return self._node(
            ast.ArrayFilter,
            first,
            levels=levels,
            source=node,
            iterator=iterator,
            quantifier=quantifier,
            filter=filter_expr,
        )

    def _parse_primary(self) -> ast.Expr:
        token = self.peek()
        kind = token.type
        if kind in (T.STRING, T.INTEGER, T.DOUBLE, T.NULL, T.TRUE, T.FALSE):
            self.advance()
            return self._node(ast.Literal, token, value=self._literal_value(token))
        if kind == T.IDENTIFIER:
            if self.peek(1).type in (T.OPEN, T.SCOPE) and token.text[0] not in "`\u00b4":
                return self._parse_function_call()
            self.advance()
            name = str(token.value)
            var = self._resolve(name)
            if var is not None:
                return self._node(ast.VariableRef, token, var=var)
            self.collections.setdefault(name, "read")
            return self._node(ast.CollectionRef, token, name=name)
        if kind == T.LIKE and self.peek(1).type == T.OPEN:
            return self._parse_function_call()
        if kind == T.PARAMETER:
            return self._parse_bind_parameter()
        if kind == T.DATA_SOURCE_PARAMETER:
            return self._parse_data_source_parameter()
        if kind == T.ARRAY_OPEN:
            return self._parse_array()
        if kind == T.OBJECT_OPEN:
            return self._parse_object()
        if kind == T.OPEN:
            if self.peek(1).type in self.STATEMENTS:
                self.advance()
                sub = self._parse_subquery(token)
                self.expect(T.CLOSE)
                return sub
            self.advance()
            inner = self._parse_nested()
            self.expect(T.CLOSE)
            if isinstance(inner, ast.Expansion):
                return self._node(ast.Parenthesized, token, expr=inner)
            return inner
        self.unexpected(token)

    def _literal_value(self, token: Token) -> Any:
        if token.type == T.NULL:
            return None
        if token.type == T.TRUE:
            return True
        if token.type == T.FALSE:
            return False
        return token.value

    def _parse_subquery(self, first: Token) -> ast.Subquery:
        self.scopes.append(_Scope(_SUBQUERY))
        depth = len(self.scopes)
        with self._inner():
            body = self._parse_body()
        del self.scopes[depth - 1 :]
        return self._node(ast.Subquery, first, query=body)

    def _parse_function_call(self) -> ast.FunctionCall:
        first = self.advance()
        name = first.text
        while self.match(T.SCOPE):
            part = self._expect_name()
            name = f"{name}::{part.text}"
        self.expect(T.OPEN)
        args: list[ast.Expr] = []
        if self.peek().type != T.CLOSE:
            while True:
                args.append(self.parse_expression_or_query())
                if not self.match(T.COMMA):
                    break
        self.expect(T.CLOSE)
        spec = lookup(name, len(args))
        return self._node(ast.FunctionCall, first, name=spec.name, args=tuple(args))

    def _parse_bind_parameter(self) -> ast.BindParameter:
        token = self.expect(T.PARAMETER)
        self.bind_parameters.setdefault(str(token.value), None)
        return self._node(ast.BindParameter, token, name=token.value)

    def _parse_data_source_parameter(self) -> ast.DataSourceParameter:
        token = self.advance()
        name = str(token.value)
        if token.type == T.DATA_SOURCE_PARAMETER:
            name = "@" + name
        self.bind_parameters.setdefault(name, None)
        return self._node(ast.DataSourceParameter, token, name=name)

    def _parse_array(self) -> ast.ArrayLiteral:
        first = self.expect(T.ARRAY_OPEN)
        elements: list[ast.Expr] = []
        while self.peek().type != T.ARRAY_CLOSE:
            elements.append(self._parse_nested())
            if not self.match(T.COMMA):
                break
        self.expect(T.ARRAY_CLOSE)
        return self._node(ast.ArrayLiteral, first, elements=tuple(elements))

    def _parse_object(self) -> ast.ObjectLiteral:
        first = self.expect(T.OBJECT_OPEN)
        items: list[ast.ObjectItem] = []
        while self.peek().type != T.OBJECT_CLOSE:
            items.append(self._parse_object_item())
            if not self.match(T.COMMA):
                break
        self.expect(T.OBJECT_CLOSE)
        return self._node(ast.ObjectLiteral, first, items=tuple(items))

    def _parse_object_item(self) -> ast.ObjectItem:
        token = self.peek()
        if token.type == T.IDENTIFIER and self.peek(1).type != T.COLON:
            self.advance()
            name = str(token.value)
            var = self._resolve(name)
            if var is None:
                self.raise_error(
                    f"use of unknown variable '{name}' in object literal",
                    token,
                    E.QUERY_VARIABLE_NAME_UNKNOWN,
                )
            ref = self._node(ast.VariableRef, token, var=var)
            return self._node(ast.ObjectItem, token, key=name, value=ref)
        key: str | ast.Expr
        if token.type in (T.IDENTIFIER, T.STRING):
            self.advance()
            key = str(token.value)
        elif token.type == T.PARAMETER:
            key = self._parse_bind_parameter()
        elif token.type == T.ARRAY_OPEN:
            self.advance()
            key = self._parse_nested()
            self.expect(T.ARRAY_CLOSE)
        else:
            self.unexpected(token)
        self.expect(T.COLON)
        value = self._parse_nested()
        return self._node(ast.ObjectItem, token, key=key, value=value)


def _is_plain_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _patch_innermost(
    expansion: ast.Expansion, build: Callable[[ast.Expr], ast.Expr]
) -> ast.Expansion:
    if isinstance(expansion.expr, ast.Expansion):
        return replace(expansion, expr=_patch_innermost(expansion.expr, build))
    return replace(expansion, expr=build(expansion.expr))


def is_constant(expr: ast.Expr) -> bool:
    """Known at compile time: literals, bind parameters and operators over them."""
    for node in ast.walk(expr):
        if isinstance(
            node,
            ast.VariableRef
            | ast.CollectionRef
            | ast.DataSourceParameter
            | ast.Subquery
            | ast.FunctionCall
            | ast.Expansion
            | ast.ArrayFilter,
        ):
            return False
    return True


def parse(query: str) -> ParsedQuery:
    """Parse ``query``; raises :class:`~arangolite.errors.ArangoError` (1501, 1540, …)."""
    if not query:
        raise ArangoError(E.QUERY_EMPTY)
    return Parser(query).parse()
