"""ArangoDB's error numbers and the one exception type the server raises.

Every failure a client can see is an :class:`ArangoError` carrying ArangoDB's
``errorNum``, its HTTP status and its message. Handlers and storage raise it; one
exception handler in :mod:`arangolite.server` turns it into ArangoDB's body
``{"error": true, "code": 404, "errorNum": 1202, "errorMessage": "document not found"}``.

Hierarchy::

    ArangoError                 errorNum, message, HTTP status
    └── AqlError                adds line, column, offset (AQL parse/run errors)

The numbers and default texts below are ArangoDB's own (``lib/Basics/errors.dat``);
only the ones arangolite can produce are listed.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ArangoError", "AqlError", "ERRORS", "E"]


class E:
    """Named error numbers, so call sites read ``E.DOCUMENT_NOT_FOUND`` not ``1202``."""

    FAILED = 1
    INTERNAL = 4
    ILLEGAL_NUMBER = 5
    READ_ONLY = 1004
    DUPLICATE_IDENTIFIER = 1005
    NOT_IMPLEMENTED = 9
    BAD_PARAMETER = 10
    FORBIDDEN = 11
    TYPE_ERROR = 17
    REQUEST_CANCELED = 21
    RESOURCE_LIMIT = 32
    MALFORMED_JSON = 37
    HTTP_BAD_PARAMETER = 400
    HTTP_UNAUTHORIZED = 401
    HTTP_FORBIDDEN = 403
    HTTP_NOT_FOUND = 404
    HTTP_METHOD_NOT_ALLOWED = 405
    HTTP_PRECONDITION_FAILED = 412
    HTTP_SERVER_ERROR = 500
    HTTP_NOT_IMPLEMENTED = 501
    HTTP_CORRUPTED_JSON = 600
    HTTP_SUPERFLUOUS_SUFFICES = 601
    CONFLICT = 1200
    DOCUMENT_NOT_FOUND = 1202
    DATA_SOURCE_NOT_FOUND = 1203
    COLLECTION_PARAMETER_MISSING = 1204
    DOCUMENT_HANDLE_BAD = 1205
    DUPLICATE_NAME = 1207
    ILLEGAL_NAME = 1208
    NO_INDEX = 1209
    UNIQUE_CONSTRAINT_VIOLATED = 1210
    INDEX_NOT_FOUND = 1212
    CROSS_COLLECTION_REQUEST = 1213
    INDEX_HANDLE_BAD = 1214
    DOCUMENT_TOO_LARGE = 1216
    COLLECTION_TYPE_INVALID = 1218
    ATTRIBUTE_PARSER_FAILED = 1220
    DOCUMENT_KEY_BAD = 1221
    DOCUMENT_KEY_UNEXPECTED = 1222
    OUT_OF_KEYS = 1225
    DOCUMENT_KEY_MISSING = 1226
    DOCUMENT_TYPE_INVALID = 1227
    DATABASE_NOT_FOUND = 1228
    DATABASE_NAME_INVALID = 1229
    USE_SYSTEM_DATABASE = 1230
    INVALID_KEY_GENERATOR = 1232
    INVALID_EDGE_ATTRIBUTE = 1233
    INDEX_CREATION_FAILED = 1235
    COLLECTION_TYPE_MISMATCH = 1237
    DOCUMENT_REV_BAD = 1239
    QUERY_KILLED = 1500
    QUERY_PARSE = 1501
    QUERY_EMPTY = 1502
    QUERY_SCRIPT = 1503
    QUERY_NUMBER_OUT_OF_RANGE = 1504
    QUERY_INVALID_GEO_VALUE = 1505
    QUERY_VARIABLE_NAME_INVALID = 1510
    QUERY_VARIABLE_REDECLARED = 1511
    QUERY_VARIABLE_NAME_UNKNOWN = 1512
    QUERY_COLLECTION_LOCK_FAILED = 1521
    QUERY_TOO_MANY_COLLECTIONS = 1522
    QUERY_TOO_MUCH_NESTING = 1524
    QUERY_INVALID_OPTIONS_ATTRIBUTE = 1539
    QUERY_FUNCTION_NAME_UNKNOWN = 1540
    QUERY_FUNCTION_ARGUMENT_NUMBER_MISMATCH = 1541
    QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH = 1542
    QUERY_INVALID_REGEX = 1543
    QUERY_BIND_PARAMETERS_INVALID = 1550
    QUERY_BIND_PARAMETER_MISSING = 1551
    QUERY_BIND_PARAMETER_UNDECLARED = 1552
    QUERY_BIND_PARAMETER_TYPE = 1553
    QUERY_INVALID_ARITHMETIC_VALUE = 1561
    QUERY_DIVISION_BY_ZERO = 1562
    QUERY_ARRAY_EXPECTED = 1563
    QUERY_COLLECTION_USED_IN_EXPRESSION = 1568
    QUERY_FAIL_CALLED = 1569
    CLUSTER_ONLY_ON_COORDINATOR = 1471
    QUERY_GEO_INDEX_MISSING = 1570
    QUERY_FULLTEXT_INDEX_MISSING = 1571
    QUERY_INVALID_DATE_VALUE = 1572
    QUERY_MULTI_MODIFY = 1573
    QUERY_INVALID_AGGREGATE_EXPRESSION = 1574
    QUERY_COMPILE_TIME_OPTIONS = 1575
    QUERY_DNF_COMPLEXITY = 1576
    QUERY_FORCED_INDEX_HINT_UNUSABLE = 1577
    QUERY_DISALLOWED_DYNAMIC_CALL = 1578
    QUERY_ACCESS_AFTER_MODIFICATION = 1579
    QUERY_BAD_JSON_PLAN = 1590
    QUERY_NOT_FOUND = 1591
    QUERY_USER_ASSERT = 1593
    QUERY_USER_WARN = 1594
    QUERY_WINDOW_AFTER_MODIFICATION = 1595
    CURSOR_NOT_FOUND = 1600
    CURSOR_BUSY = 1601
    VALIDATION_FAILED = 1620
    VALIDATION_BAD_PARAMETER = 1621
    TRANSACTION_INTERNAL = 1650
    TRANSACTION_NESTED = 1651
    TRANSACTION_UNREGISTERED_COLLECTION = 1652
    TRANSACTION_DISALLOWED_OPERATION = 1653
    TRANSACTION_ABORTED = 1654
    TRANSACTION_NOT_FOUND = 1655
    USER_INVALID_NAME = 1700
    USER_INVALID_PASSWORD = 1701
    USER_DUPLICATE = 1702
    USER_NOT_FOUND = 1703
    USER_CHANGE_PASSWORD = 1704
    USER_EXTERNAL = 1705
    GRAPH_INVALID_GRAPH = 1901
    GRAPH_COULD_NOT_CREATE_GRAPH = 1902
    GRAPH_INVALID_VERTEX = 1903
    GRAPH_COULD_NOT_CREATE_VERTEX = 1904
    GRAPH_COULD_NOT_CHANGE_VERTEX = 1905
    GRAPH_INVALID_EDGE = 1906
    GRAPH_COULD_NOT_CREATE_EDGE = 1907
    GRAPH_COULD_NOT_CHANGE_EDGE = 1908
    GRAPH_TOO_MANY_ITERATIONS = 1909
    GRAPH_INVALID_FILTER_RESULT = 1910
    GRAPH_NEGATIVE_EDGE_WEIGHT = 1917
    GRAPH_COLLECTION_MULTI_USE = 1920
    GRAPH_COLLECTION_USE_IN_MULTI_GRAPHS = 1921
    GRAPH_CREATE_MISSING_NAME = 1922
    GRAPH_CREATE_MALFORMED_EDGE_DEFINITION = 1923
    GRAPH_NOT_FOUND = 1924
    GRAPH_DUPLICATE = 1925
    GRAPH_VERTEX_COL_DOES_NOT_EXIST = 1926
    GRAPH_WRONG_COLLECTION_TYPE_VERTEX = 1927
    GRAPH_NOT_IN_ORPHAN_COLLECTION = 1928
    GRAPH_COLLECTION_USED_IN_EDGE_DEF = 1929
    GRAPH_EDGE_COLLECTION_NOT_USED = 1930
    GRAPH_NO_GRAPH_COLLECTION = 1932
    GRAPH_INVALID_NUMBER_OF_ARGUMENTS = 1935
    GRAPH_INVALID_PARAMETER = 1936
    GRAPH_COLLECTION_USED_IN_ORPHANS = 1938
    GRAPH_EDGE_COL_DOES_NOT_EXIST = 1939
    GRAPH_EMPTY = 1940
    GRAPH_INTERNAL_DATA_CORRUPT = 1941
    GRAPH_CREATE_MALFORMED_ORPHAN_LIST = 1943
    GRAPH_EDGE_DEFINITION_IS_DOCUMENT = 1944
    GRAPH_COLLECTION_IS_INITIAL = 1945
    GRAPH_NO_INITIAL_COLLECTION = 1946
    GRAPH_REFERENCED_VERTEX_COLLECTION_NOT_USED = 1947
    GRAPH_COLLECTION_NOT_PART_OF_THE_GRAPH = 1949


#: errorNum -> (default message, default HTTP status).
ERRORS: dict[int, tuple[str, int]] = {
    E.FAILED: ("failed", 500),
    E.INTERNAL: ("internal error", 500),
    E.ILLEGAL_NUMBER: ("illegal number", 400),
    E.READ_ONLY: ("read only", 403),
    E.DUPLICATE_IDENTIFIER: ("duplicate identifier", 409),
    E.NOT_IMPLEMENTED: ("not implemented", 501),
    E.BAD_PARAMETER: ("bad parameter", 400),
    E.FORBIDDEN: ("forbidden", 403),
    E.TYPE_ERROR: ("type error", 400),
    E.REQUEST_CANCELED: ("canceled request", 410),
    E.RESOURCE_LIMIT: ("resource limit exceeded", 400),
    E.MALFORMED_JSON: ("malformed json", 400),
    E.HTTP_BAD_PARAMETER: ("bad parameter", 400),
    E.HTTP_UNAUTHORIZED: ("unauthorized", 401),
    E.HTTP_FORBIDDEN: ("forbidden", 403),
    E.HTTP_NOT_FOUND: ("not found", 404),
    E.HTTP_METHOD_NOT_ALLOWED: ("method not supported", 405),
    E.HTTP_PRECONDITION_FAILED: ("precondition failed", 412),
    E.HTTP_SERVER_ERROR: ("internal server error", 500),
    E.HTTP_NOT_IMPLEMENTED: ("not implemented", 501),
    E.HTTP_CORRUPTED_JSON: ("invalid JSON object", 400),
    E.HTTP_SUPERFLUOUS_SUFFICES: ("superfluous URL suffices", 400),
    E.CONFLICT: ("conflict", 409),
    E.DOCUMENT_NOT_FOUND: ("document not found", 404),
    E.DATA_SOURCE_NOT_FOUND: ("collection or view not found", 404),
    E.COLLECTION_PARAMETER_MISSING: ("parameter 'collection' not found", 400),
    E.DOCUMENT_HANDLE_BAD: ("illegal document identifier", 400),
    E.DUPLICATE_NAME: ("duplicate name", 409),
    E.ILLEGAL_NAME: ("illegal name", 400),
    E.NO_INDEX: ("no suitable index known", 400),
    E.UNIQUE_CONSTRAINT_VIOLATED: ("unique constraint violated", 409),
    E.INDEX_NOT_FOUND: ("index not found", 404),
    E.CROSS_COLLECTION_REQUEST: ("cross collection request not allowed", 400),
    E.INDEX_HANDLE_BAD: ("illegal index identifier", 400),
    E.DOCUMENT_TOO_LARGE: ("document too large", 413),
    E.COLLECTION_TYPE_INVALID: ("collection type invalid", 400),
    E.ATTRIBUTE_PARSER_FAILED: ("parsing attribute name definition failed", 400),
    E.DOCUMENT_KEY_BAD: ("illegal document key", 400),
    E.DOCUMENT_KEY_UNEXPECTED: ("unexpected document key", 400),
    E.OUT_OF_KEYS: ("out of keys", 500),
    E.DOCUMENT_KEY_MISSING: ("missing document key", 400),
    E.DOCUMENT_TYPE_INVALID: ("invalid document type", 400),
    E.DATABASE_NOT_FOUND: ("database not found", 404),
    E.DATABASE_NAME_INVALID: ("database name invalid", 400),
    E.USE_SYSTEM_DATABASE: ("operation only allowed in system database", 403),
    E.INVALID_KEY_GENERATOR: ("invalid key generator", 400),
    E.INVALID_EDGE_ATTRIBUTE: ("edge attribute missing or invalid", 400),
    E.INDEX_CREATION_FAILED: ("index creation failed", 400),
    E.COLLECTION_TYPE_MISMATCH: ("collection type mismatch", 400),
    E.DOCUMENT_REV_BAD: ("illegal document revision", 400),
    E.QUERY_KILLED: ("query killed", 410),
    E.QUERY_PARSE: ("syntax error", 400),
    E.QUERY_EMPTY: ("query is empty", 400),
    E.QUERY_SCRIPT: ("runtime error", 400),
    E.QUERY_NUMBER_OUT_OF_RANGE: ("number out of range", 400),
    E.QUERY_INVALID_GEO_VALUE: ("invalid geo coordinate value", 400),
    E.QUERY_VARIABLE_NAME_INVALID: ("variable name has an invalid format", 400),
    E.QUERY_VARIABLE_REDECLARED: ("variable is assigned multiple times", 400),
    E.QUERY_VARIABLE_NAME_UNKNOWN: ("unknown variable", 400),
    E.QUERY_COLLECTION_LOCK_FAILED: ("unable to read-lock collection", 400),
    E.QUERY_TOO_MANY_COLLECTIONS: ("too many collections/shards", 400),
    E.QUERY_TOO_MUCH_NESTING: ("too deep nesting of array/object", 400),
    E.QUERY_INVALID_OPTIONS_ATTRIBUTE: ("unknown OPTIONS attribute used", 400),
    E.QUERY_FUNCTION_NAME_UNKNOWN: ("usage of unknown function", 404),
    E.QUERY_FUNCTION_ARGUMENT_NUMBER_MISMATCH: (
        "invalid number of arguments for function",
        400,
    ),
    E.QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH: ("invalid argument type in call to function", 400),
    E.QUERY_INVALID_REGEX: ("invalid regex value", 400),
    E.QUERY_BIND_PARAMETERS_INVALID: ("invalid structure of bind parameters", 400),
    E.QUERY_BIND_PARAMETER_MISSING: ("no value specified for declared bind parameter", 400),
    E.QUERY_BIND_PARAMETER_UNDECLARED: ("bind parameter was not declared in the query", 400),
    E.QUERY_BIND_PARAMETER_TYPE: ("bind parameter has an invalid value or type", 400),
    E.QUERY_INVALID_ARITHMETIC_VALUE: ("invalid arithmetic value", 400),
    E.QUERY_DIVISION_BY_ZERO: ("division by zero", 400),
    E.QUERY_ARRAY_EXPECTED: ("array expected", 400),
    E.QUERY_COLLECTION_USED_IN_EXPRESSION: ("collection '%s' used as expression operand", 400),
    E.QUERY_FAIL_CALLED: ("FAIL(%s) called", 400),
    E.QUERY_GEO_INDEX_MISSING: ("no suitable geo index found for geo restriction", 400),
    E.QUERY_FULLTEXT_INDEX_MISSING: ("no suitable fulltext index found for fulltext query", 400),
    E.QUERY_INVALID_DATE_VALUE: ("invalid date value", 400),
    E.QUERY_MULTI_MODIFY: ("multi-modify query", 400),
    E.QUERY_INVALID_AGGREGATE_EXPRESSION: ("invalid aggregate expression", 400),
    E.QUERY_COMPILE_TIME_OPTIONS: ("query options must be readable at query compile time", 400),
    E.QUERY_DNF_COMPLEXITY: ("FILTER/PRUNE condition complexity is too high", 400),
    E.QUERY_FORCED_INDEX_HINT_UNUSABLE: ("could not use index hint to serve query", 400),
    E.QUERY_DISALLOWED_DYNAMIC_CALL: ("disallowed dynamic call to '%s'", 400),
    E.QUERY_ACCESS_AFTER_MODIFICATION: ("access after data-modification by %s", 400),
    E.QUERY_BAD_JSON_PLAN: ("JSON describing execution plan was bad", 400),
    E.QUERY_NOT_FOUND: ("query ID not found", 404),
    E.QUERY_USER_ASSERT: ("%s", 400),
    E.QUERY_USER_WARN: ("%s", 400),
    E.QUERY_WINDOW_AFTER_MODIFICATION: ("window operation after data-modification", 400),
    E.CURSOR_NOT_FOUND: ("cursor not found", 404),
    E.CURSOR_BUSY: ("cursor is busy", 400),
    E.CLUSTER_ONLY_ON_COORDINATOR: (
        "this operation is only valid on a coordinator in a cluster",
        501,
    ),
    E.VALIDATION_FAILED: ("Schema validation failed", 400),
    E.VALIDATION_BAD_PARAMETER: ("invalid schema validation parameter", 400),
    E.TRANSACTION_INTERNAL: ("internal transaction error", 500),
    E.TRANSACTION_NESTED: ("nested transactions detected", 400),
    E.TRANSACTION_UNREGISTERED_COLLECTION: ("unregistered collection used in transaction", 400),
    E.TRANSACTION_DISALLOWED_OPERATION: ("disallowed operation inside transaction", 400),
    E.TRANSACTION_ABORTED: ("transaction aborted", 410),
    E.TRANSACTION_NOT_FOUND: ("transaction not found", 404),
    E.USER_INVALID_NAME: ("invalid user name", 400),
    E.USER_INVALID_PASSWORD: ("invalid password", 400),
    E.USER_DUPLICATE: ("duplicate user", 409),
    E.USER_NOT_FOUND: ("user not found", 404),
    E.USER_CHANGE_PASSWORD: ("user must change his password", 403),
    E.USER_EXTERNAL: ("user is external", 403),
    E.GRAPH_INVALID_GRAPH: ("invalid graph", 400),
    E.GRAPH_COULD_NOT_CREATE_GRAPH: ("could not create graph", 400),
    E.GRAPH_INVALID_VERTEX: ("invalid vertex", 400),
    E.GRAPH_COULD_NOT_CREATE_VERTEX: ("could not create vertex", 400),
    E.GRAPH_COULD_NOT_CHANGE_VERTEX: ("could not change vertex", 400),
    E.GRAPH_INVALID_EDGE: ("invalid edge", 400),
    E.GRAPH_COULD_NOT_CREATE_EDGE: ("could not create edge", 400),
    E.GRAPH_COULD_NOT_CHANGE_EDGE: ("could not change edge", 400),
    E.GRAPH_TOO_MANY_ITERATIONS: (
        "too many iterations - try increasing the value of 'maxIterations'",
        400,
    ),
    E.GRAPH_INVALID_FILTER_RESULT: ("invalid filter result", 400),
    E.GRAPH_COLLECTION_MULTI_USE: ("multi use of edge collection in edge def", 400),
    E.GRAPH_COLLECTION_USE_IN_MULTI_GRAPHS: (
        "edge collection already used in edge def",
        400,
    ),
    E.GRAPH_CREATE_MISSING_NAME: ("missing graph name", 400),
    E.GRAPH_CREATE_MALFORMED_EDGE_DEFINITION: ("malformed edge definition", 400),
    E.GRAPH_NOT_FOUND: ("graph '%s' not found", 404),
    E.GRAPH_NEGATIVE_EDGE_WEIGHT: ("negative edge weight found", 400),
    E.GRAPH_DUPLICATE: ("graph already exists", 409),
    E.GRAPH_VERTEX_COL_DOES_NOT_EXIST: (
        "vertex collection does not exist or is not part of the graph",
        404,
    ),
    E.GRAPH_WRONG_COLLECTION_TYPE_VERTEX: ("collection not a vertex collection", 400),
    E.GRAPH_NOT_IN_ORPHAN_COLLECTION: ("collection is not in list of orphan collections", 400),
    E.GRAPH_COLLECTION_USED_IN_EDGE_DEF: ("collection already used in edge def", 400),
    E.GRAPH_EDGE_COLLECTION_NOT_USED: ("edge collection not used in graph", 404),
    E.GRAPH_NO_GRAPH_COLLECTION: ("collection _graphs does not exist", 400),
    E.GRAPH_INVALID_NUMBER_OF_ARGUMENTS: ("Invalid number of arguments. Expected: ", 400),
    E.GRAPH_INVALID_PARAMETER: ("Invalid parameter type.", 400),
    E.GRAPH_COLLECTION_USED_IN_ORPHANS: ("collection used in orphans", 400),
    E.GRAPH_EDGE_COL_DOES_NOT_EXIST: (
        "edge collection does not exist or is not part of the graph",
        404,
    ),
    E.GRAPH_EMPTY: ("empty graph", 400),
    E.GRAPH_INTERNAL_DATA_CORRUPT: ("internal graph data corrupt", 500),
    E.GRAPH_CREATE_MALFORMED_ORPHAN_LIST: ("malformed orphan list", 400),
    E.GRAPH_EDGE_DEFINITION_IS_DOCUMENT: (
        "edge definition collection is a document collection",
        400,
    ),
    E.GRAPH_COLLECTION_IS_INITIAL: (
        "initial collection is not allowed to be removed manually",
        400,
    ),
    E.GRAPH_NO_INITIAL_COLLECTION: ("no valid initial collection found", 400),
    # 404 since 3.10 (API changes in 3.10: "Validation of collections in named graphs")
    E.GRAPH_REFERENCED_VERTEX_COLLECTION_NOT_USED: (
        "referenced vertex collection is not part of the graph",
        404,
    ),
    E.GRAPH_COLLECTION_NOT_PART_OF_THE_GRAPH: (
        "the given collection is not part of the graph",
        404,
    ),
}


class ArangoError(Exception):
    """An error a client sees: ArangoDB's errorNum, message and HTTP status.

    ``message`` defaults to ArangoDB's text for the number and ``status`` to the
    status ArangoDB uses for it; pass either when the real server says something
    more specific (``"collection or view not found: users"``).
    """

    def __init__(
        self,
        error_num: int,
        message: str | None = None,
        *,
        status: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        default_message, default_status = ERRORS.get(error_num, ("unknown error", 500))
        self.error_num = error_num
        self.message = message if message is not None else default_message
        self.status = status if status is not None else default_status
        self.extra = extra or {}
        super().__init__(self.message)

    def to_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "code": self.status,
            "error": True,
            "errorMessage": self.message,
            "errorNum": self.error_num,
        }
        body.update(self.extra)
        return body

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.error_num}, {self.message!r}, status={self.status})"


class AqlError(ArangoError):
    """An AQL error with the place in the query text it refers to (1-based line/column)."""

    def __init__(
        self,
        error_num: int,
        message: str | None = None,
        *,
        line: int | None = None,
        column: int | None = None,
        offset: int | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(error_num, message, status=status)
        self.line = line
        self.column = column
        self.offset = offset
