"""The parser: precedence, name resolution, spans and ArangoDB's error texts."""

from __future__ import annotations

import pytest

from arangolite.aql import ast
from arangolite.aql.parser import parse
from arangolite.errors import ArangoError


def expr_of(query: str) -> ast.Expr:
    ret = parse(query).ast.operations[-1]
    assert isinstance(ret, ast.Return)
    return ret.expr


def test_multiplication_binds_tighter_than_addition():
    e = expr_of("RETURN 1 + 2 * 3")
    assert isinstance(e, ast.Binary) and e.op == "+"
    assert isinstance(e.right, ast.Binary) and e.right.op == "*"


def test_not_binds_tighter_than_equality():
    e = expr_of("RETURN NOT a == b")
    assert isinstance(e, ast.Binary) and e.op == "=="
    assert isinstance(e.left, ast.Unary) and e.left.op == "!"


def test_and_binds_tighter_than_or_and_ternary_is_lowest():
    e = expr_of("RETURN a || b && c ? 1 : 2")
    assert isinstance(e, ast.Ternary)
    assert isinstance(e.condition, ast.Binary) and e.condition.op == "||"
    assert isinstance(e.condition.right, ast.Binary) and e.condition.right.op == "&&"


def test_in_binds_looser_than_relational_and_tighter_than_equality():
    e = expr_of("RETURN a < b IN c == d")
    assert isinstance(e, ast.Binary) and e.op == "=="
    assert isinstance(e.left, ast.Binary) and e.left.op == "IN"
    assert isinstance(e.left.left, ast.Binary) and e.left.left.op == "<"


def test_like_and_regex_become_function_calls():
    e = expr_of("RETURN a NOT LIKE 'x%'")
    assert isinstance(e, ast.Unary) and isinstance(e.operand, ast.FunctionCall)
    assert e.operand.name == "LIKE"
    e = expr_of("RETURN a !~ 'x'")
    assert isinstance(e, ast.Unary) and e.operand.name == "REGEX_TEST"  # type: ignore[attr-defined]


def test_quantified_comparison():
    e = expr_of("RETURN [1] ALL IN [1, 2]")
    assert isinstance(e, ast.ArrayComparison)
    assert (e.op, e.quantifier.kind) == ("IN", "ALL")


def test_names_resolve_to_variables_or_collections():
    parsed = parse("LET x = 1 FOR d IN docs RETURN [x, d, other]")
    ret = parsed.ast.operations[-1]
    elements = ret.expr.elements  # type: ignore[attr-defined]
    assert isinstance(elements[0], ast.VariableRef) and elements[0].var.name == "x"
    assert isinstance(elements[1], ast.VariableRef) and elements[1].var.name == "d"
    assert isinstance(elements[2], ast.CollectionRef)
    assert parsed.collections == {"docs": "read", "other": "read"}


def test_expansion_folds_later_accesses_into_it():
    e = expr_of("LET u = {} RETURN u.friends[*].name")
    assert isinstance(e, ast.Expansion)
    assert isinstance(e.expr, ast.AttributeAccess) and e.expr.name == "name"


def test_in_ends_the_document_of_a_modification():
    op = parse("REMOVE doc IN coll").ast.operations[0]
    assert isinstance(op, ast.Remove) and isinstance(op.key, ast.CollectionRef)
    op = parse("INSERT {a: 1 IN [1]} INTO coll").ast.operations[0]
    assert isinstance(op, ast.Insert) and isinstance(op.doc, ast.ObjectLiteral)


def test_bind_parameters_are_collected_in_order():
    parsed = parse("FOR d IN @@coll FILTER d.a == @a && d.b == @b && d.c == @a RETURN d")
    assert parsed.bind_parameters == ["@coll", "a", "b"]


def test_spans_point_at_the_source():
    query = "FOR d IN docs\n  FILTER d.value > 10\n  RETURN d"
    flt = parse(query).ast.operations[1]
    assert isinstance(flt, ast.Filter)
    assert (flt.span.line, flt.span.col) == (2, 3)
    assert query[flt.span.start : flt.span.end] == "FILTER d.value > 10"


def test_walk_visits_every_node():
    nodes = list(ast.walk(parse("FOR d IN docs RETURN d.a + 1").ast))
    assert any(isinstance(n, ast.Literal) and n.value == 1 for n in nodes)
    assert any(isinstance(n, ast.AttributeAccess) for n in nodes)


@pytest.mark.parametrize(
    ("query", "num", "message"),
    [
        (
            "RETURN",
            1501,
            "syntax error, unexpected end of query string near 'RETURN' at position 1:1",
        ),
        (
            "FOR x IN [1] RETURN x x",
            1501,
            "syntax error, unexpected identifier near 'x' at position 1:23",
        ),
        ("RETURN 1;", 1501, "syntax error, unexpected $undefined near ';' at position 1:9"),
        (
            "RETURN {x}",
            1512,
            "use of unknown variable 'x' in object literal near 'x}' at position 1:9",
        ),
        (
            "FOR a, b IN c RETURN a",
            1501,
            "Collections and views FOR loops only allow a single return variable near 'FOR a, b IN c RETURN a' at position 1:1",
        ),
        (
            "FOR a IN b FOO {} RETURN a",
            1501,
            "unexpected qualifier 'FOO', expecting 'SEARCH' or 'OPTIONS' near 'FOO {} RETURN a' at position 1:12",
        ),
        (
            "INSERT {} INTO c OPTIONS 1",
            1501,
            "syntax error, unexpected integer number near '1' at position 1:26",
        ),
        (
            "FOR a IN b COLLECT x = 1 KEEP y RETURN x",
            1501,
            "use of 'KEEP' without 'INTO' near 'KEEP y RETURN x' at position 1:26",
        ),
        (
            "FOR a IN b COLLECT AGGREGATE m = a.x RETURN m",
            1574,
            "aggregate expression must be a function call near 'm = a.x RETURN m' at position 1:30",
        ),
        (
            "FOR a IN b COLLECT AGGREGATE m = CONCAT(a) RETURN m",
            1574,
            "unknown aggregate function used near 'm = CONCAT(a) RETURN m' at position 1:30",
        ),
        (
            "RETURN DISTINCT 1",
            1501,
            "cannot use DISTINCT modifier on top-level query element near 'DISTINCT 1' at position 1:8",
        ),
        ("LET a = 1 LET a = 2 RETURN a", 1511, "variable 'a' is assigned multiple times"),
        ("RETURN NOPE()", 1540, "usage of unknown function 'NOPE()'"),
        (
            "RETURN CONCAT()",
            1541,
            "invalid number of arguments for function 'CONCAT()', expected number of arguments: minimum: 1, maximum: 65536",
        ),
    ],
)
def test_errors(query, num, message):
    with pytest.raises(ArangoError) as exc:
        parse(query)
    assert (exc.value.error_num, exc.value.message) == (num, message)


def test_empty_query():
    with pytest.raises(ArangoError) as exc:
        parse("")
    assert exc.value.error_num == 1502
