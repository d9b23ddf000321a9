"""Date functions (AQL reference: "Date functions"), the core set.

Dates are ISO 8601 strings (``2024-05-01T12:00:00.000Z``; a missing zone
means UTC) or numbers of milliseconds since the Unix epoch. Invalid input gives
ArangoDB's "invalid date value" warning and ``null``.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from arangolite.aql.functions import FunctionContext, aql_function
from arangolite.aql.values import is_number, to_number
from arangolite.errors import E

_ISO = re.compile(
    r"^\s*(?P<year>[+-]?\d{4,6})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?"
    r"(?:[T ](?P<hour>\d{1,2}):(?P<minute>\d{1,2})(?::(?P<second>\d{1,2})(?:\.(?P<frac>\d+))?)?)?"
    r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2})?\s*$"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_date(value: Any) -> datetime | None:
    """An AQL date value as an aware UTC datetime, or None if it is not one."""
    if is_number(value):
        try:
            return _EPOCH + timedelta(milliseconds=value)
        except OverflowError:
            return None
    if not isinstance(value, str):
        return None
    match = _ISO.match(value)
    if match is None:
        return None
    parts = match.groupdict()
    try:
        frac = (parts["frac"] or "0")[:3].ljust(3, "0")
        moment = datetime(
            int(parts["year"]),
            int(parts["month"] or 1),
            int(parts["day"] or 1),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int(frac) * 1000,
            tzinfo=UTC,
        )
    except (ValueError, OverflowError):
        return None
    zone = parts["zone"]
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        moment -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return moment


def to_iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def to_millis(moment: datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000


def _invalid_date(ctx: FunctionContext, name: str) -> None:
    ctx.warn(E.QUERY_INVALID_DATE_VALUE, "invalid date value")


def _date_arg(ctx: FunctionContext, name: str, args: tuple[Any, ...]) -> datetime | None:
    if len(args) == 1:
        moment = parse_date(args[0])
    else:
        parts = [int(to_number(a)) for a in args] + [0] * (7 - len(args))
        try:
            moment = datetime(*parts[:6], parts[6] * 1000, tzinfo=UTC)
        except (ValueError, OverflowError):
            moment = None
    if moment is None:
        _invalid_date(ctx, name)
    return moment


@aql_function("DATE_NOW", min_args=0, max_args=0, deterministic=False)
def date_now(ctx: FunctionContext) -> int:
    return int(time.time() * 1000)


@aql_function("DATE_ISO8601", min_args=1, max_args=7)
def date_iso8601(ctx: FunctionContext, *args: Any) -> Any:
    moment = _date_arg(ctx, "DATE_ISO8601", args)
    return to_iso(moment) if moment is not None else None


@aql_function("DATE_TIMESTAMP", min_args=1, max_args=7)
def date_timestamp(ctx: FunctionContext, *args: Any) -> Any:
    moment = _date_arg(ctx, "DATE_TIMESTAMP", args)
    return to_millis(moment) if moment is not None else None


def _component(name: str, extract: Any) -> None:
    def fn(ctx: FunctionContext, value: Any) -> Any:
        moment = parse_date(value)
        if moment is None:
            return _invalid_date(ctx, name)
        return extract(moment)

    fn.__name__ = name.lower()
    aql_function(name, min_args=1, max_args=1)(fn)


for _name, _extract in {
    "DATE_YEAR": lambda m: m.year,
    "DATE_MONTH": lambda m: m.month,
    "DATE_DAY": lambda m: m.day,
    "DATE_HOUR": lambda m: m.hour,
    "DATE_MINUTE": lambda m: m.minute,
    "DATE_SECOND": lambda m: m.second,
    "DATE_MILLISECOND": lambda m: m.microsecond // 1000,
    "DATE_DAYOFWEEK": lambda m: (m.weekday() + 1) % 7,
    "DATE_DAYOFYEAR": lambda m: m.timetuple().tm_yday,
}.items():
    _component(_name, _extract)
