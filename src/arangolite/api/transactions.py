"""REST API: stream transactions (``/_api/transaction``).

Begin, status, commit, abort and list, as ArangoDB 3.12 answers them. Other
APIs join a transaction through the ``x-arango-trx-id`` header
(:attr:`arangolite.routing.Call.trx`). JavaScript transactions (``POST
/_api/transaction`` with an ``action``) need a JavaScript engine: arangolite
answers like an ArangoDB started with ``--javascript.enabled false``.
"""

from __future__ import annotations

from starlette.responses import Response

from arangolite.errors import ArangoError, E
from arangolite.routing import Call, Route, json_response
from arangolite.storage.transactions import Transaction
from arangolite.storage.users import allows

__all__ = ["routes"]


def _result(trx: Transaction, status: int, state: str | None = None) -> Response:
    return json_response(
        {"code": status, "error": False, "result": {"id": trx.id, "status": state or trx.status}},
        status=status,
    )


def _user(call: Call) -> str | None:
    """Whose transactions the caller may see: None for a superuser (all)."""
    return call.user.name if call.user is not None else None


async def begin(call: Call) -> Response:
    body = await call.body(default=None)

    def permission(collection: str, mode: str) -> None:
        # ArangoDB's TransactionState::checkCollectionPermission
        if call.user is None:
            return
        level = call.level(collection)
        if not allows(level, "ro"):
            raise ArangoError(E.FORBIDDEN, f"forbidden: {collection} [{mode}]", status=403)
        if mode != "read" and not allows(level, "rw"):
            raise ArangoError(E.READ_ONLY, f"read only: {collection} [{mode}]", status=403)

    trx = call.engine.transactions.begin(
        call.db,
        body,
        id=call.engine.next_id(),
        owner=call.user.name if call.user is not None else "",
        permission=permission,
    )
    return _result(trx, 201)


async def status(call: Call) -> Response:
    trx = call.engine.transactions.status(call.params["id"], call.db, _user(call))
    return _result(trx, 200)


async def commit(call: Call) -> Response:
    trx = call.engine.transactions.finish(call.params["id"], call.db, _user(call), commit=True)
    return _result(trx, 200, "committed")


async def abort(call: Call) -> Response:
    trx = call.engine.transactions.finish(call.params["id"], call.db, _user(call), commit=False)
    return _result(trx, 200, "aborted")


async def listing(call: Call) -> Response:
    transactions = call.engine.transactions.listing(call.db, _user(call))
    return json_response({"transactions": transactions})


async def javascript(call: Call) -> Response:
    raise ArangoError(E.NOT_IMPLEMENTED, "JavaScript operations are disabled", status=501)


async def bad_suffix(call: Call) -> Response:
    raise ArangoError(E.BAD_PARAMETER)


routes: list[Route] = [
    Route("POST", "/_api/transaction/begin", begin, "db:ro"),
    Route("POST", "/_api/transaction", javascript, "db:ro"),
    Route("POST", "/_api/transaction/{id}", bad_suffix, "db:ro"),
    Route("GET", "/_api/transaction", listing, "db:ro"),
    Route("GET", "/_api/transaction/{id}", status, "db:ro"),
    Route("PUT", "/_api/transaction/{id}", commit, "db:ro"),
    Route("DELETE", "/_api/transaction/{id}", abort, "db:ro"),
]
