"""arango_query and arango_next_page over streamable HTTP (needs AQL on the target)."""

from __future__ import annotations

import pytest

from tests.conftest import unique_name
from tests.server.conftest import McpHttpServer, call, call_error

pytestmark = pytest.mark.usefixtures("requires_aql")


async def test_query_with_bind_vars(http_server: McpHttpServer):
    async with http_server.client() as client:
        result = await call(
            client, "arango_query", {"query": "RETURN @a + 1", "bind_vars": {"a": 41}}
        )
    assert result["rows"] == [42]
    assert (result["returned"], result["truncated"], result["total"]) == (1, False, 1)
    assert "next_cursor" not in result
    assert result["database"] == "alpha"


async def test_rows_are_capped_and_the_rest_fetched_by_cursor(http_server: McpHttpServer):
    async with http_server.client() as client:
        first = await call(
            client, "arango_query", {"query": "FOR i IN 1..25 RETURN i", "max_rows": 10}
        )
        second = await call(client, "arango_next_page", {"cursor": first["next_cursor"]})
        third = await call(
            client, "arango_next_page", {"cursor": second["next_cursor"], "max_rows": 100}
        )
        spent = await call_error(client, "arango_next_page", {"cursor": first["next_cursor"]})
    assert first["rows"] == list(range(1, 11)) and first["truncated"] is True
    assert first["total"] == 25
    assert second["rows"] == list(range(11, 21)) and second["truncated"] is True
    assert third["rows"] == list(range(21, 26)) and third["truncated"] is False
    assert spent["kind"] == "not_found"


async def test_bytes_are_capped_too(http_server: McpHttpServer):
    async with http_server.client() as client:
        big = await call(
            client,
            "arango_query",
            {"query": "FOR i IN 1..40 RETURN CONCAT(i, @pad)", "bind_vars": {"pad": "x" * 4000}},
        )
    assert big["truncated"] is True
    assert 0 < big["returned"] < 40
    assert len(str(big["rows"])) <= 64 * 1024


async def test_cursor_of_another_session_is_not_found(http_server: McpHttpServer):
    async with http_server.client() as one, http_server.client() as two:
        first = await call(one, "arango_query", {"query": "FOR i IN 1..5 RETURN i", "max_rows": 2})
        error = await call_error(two, "arango_next_page", {"cursor": first["next_cursor"]})
    assert error["kind"] == "not_found"


async def test_query_errors_carry_errornum_and_hint(http_server: McpHttpServer):
    async with http_server.client() as client:
        syntax = await call_error(client, "arango_query", {"query": "FOR x IN RETURN"})
        missing = await call_error(client, "arango_query", {"query": "RETURN @nope"})
        no_coll = await call_error(
            client, "arango_query", {"query": f"FOR d IN {unique_name('none')} RETURN d"}
        )
        empty = await call_error(client, "arango_query", {"query": ""})
    assert syntax["errorNum"] == 1501 and syntax["hint"]
    assert missing["errorNum"] == 1551 and "bind_vars" in missing["hint"]
    assert no_coll["errorNum"] == 1203
    assert empty["field"] == "query"


async def test_query_writes_and_reports_stats(http_server: McpHttpServer):
    coll = unique_name("q")
    async with http_server.client() as client:
        await call(client, "arango_create_collection", {"name": coll, "database": "beta"})
        written = await call(
            client,
            "arango_query",
            {
                "query": "FOR i IN 1..3 INSERT {i} INTO @@c",
                "bind_vars": {"@c": coll},
                "database": "beta",
            },
        )
        read = await call(
            client,
            "arango_query",
            {
                "query": "FOR d IN @@c SORT d.i RETURN d.i",
                "bind_vars": {"@c": coll},
                "database": "beta",
            },
        )
    assert written["stats"]["writesExecuted"] == 3
    assert read["rows"] == [1, 2, 3]
