"""Date functions (AQL reference: "Date functions").

Every date argument is a number of milliseconds since the Unix epoch (valid
from year 0 to 9999) or an ISO 8601 string; see :mod:`arangolite.aql.dates` for
the grammar and the calendar arithmetic. Bad dates give ArangoDB's warning
``in function 'DATE_X()': invalid date value`` (1572) and ``null``; arguments of
the wrong type give the usual "invalid argument type" warning (1542).

The optional ``timezone`` arguments (3.12) shift the date to that zone's wall
clock before it is taken apart, and results that are dates are shifted back to
UTC. Unknown zone names abort the query, as in ArangoDB.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from arangolite.aql import dates
from arangolite.aql.dates import MS_PER_DAY, Civil, civil
from arangolite.aql.functions import FunctionContext, aql_function
from arangolite.aql.values import is_number, number, to_number
from arangolite.errors import E

# unit flags, ordered like ArangoDB's (DATE_COMPARE relies on the order)
_INVALID, _MILLI, _SECOND, _MINUTE, _HOUR, _DAY, _WEEK, _MONTH, _YEAR = range(9)

_UNITS = {
    "y": _YEAR, "year": _YEAR, "years": _YEAR,
    "m": _MONTH, "month": _MONTH, "months": _MONTH,
    "w": _WEEK, "week": _WEEK, "weeks": _WEEK,
    "d": _DAY, "day": _DAY, "days": _DAY,
    "h": _HOUR, "hour": _HOUR, "hours": _HOUR,
    "i": _MINUTE, "minute": _MINUTE, "minutes": _MINUTE,
    "s": _SECOND, "second": _SECOND, "seconds": _SECOND,
    "f": _MILLI, "millisecond": _MILLI, "milliseconds": _MILLI,
}  # fmt: skip

_UNIT_MS = {
    _MILLI: 1,
    _SECOND: 1000,
    _MINUTE: 60_000,
    _HOUR: 3_600_000,
    _DAY: MS_PER_DAY,
    _WEEK: 7 * MS_PER_DAY,
    _MONTH: 2_629_746_000,  # a twelfth of 365.2425 days
    _YEAR: 31_556_952_000,  # 365.2425 days
}


def _unit(value: Any) -> int:
    return _UNITS.get(value.lower(), _INVALID) if isinstance(value, str) else _INVALID


def _invalid_date(ctx: FunctionContext, name: str) -> None:
    ctx.warn(E.QUERY_INVALID_DATE_VALUE, f"in function '{name}()': invalid date value")


def _time_point(ctx: FunctionContext, name: str, value: Any) -> int | None:
    """A date argument as milliseconds, or None after the matching warning."""
    if is_number(value):
        ms = int(value) if math.isfinite(value) else dates.MIN_MS - 1
        if dates.MIN_MS <= ms <= dates.MAX_MS:
            return ms
        return _invalid_date(ctx, name)
    if isinstance(value, str):
        ms = dates.parse_date_string(value)
        return ms if ms is not None else _invalid_date(ctx, name)
    return ctx.invalid_argument(name)


def _iso(ctx: FunctionContext, name: str, ms: int) -> str | None:
    text = dates.iso_string(ms)
    return text if text is not None else _invalid_date(ctx, name)


class _BadArgument(Exception):
    """Raised (and turned into ArangoDB's warning + null) by argument helpers."""


def _zone_name(ctx: FunctionContext, name: str, value: Any) -> str:
    if not isinstance(value, str):
        ctx.invalid_argument(name)
        raise _BadArgument
    return value


def _localized(ctx: FunctionContext, name: str, ms: int, zone: Any) -> int:
    return dates.to_local(ms, dates.get_zone(_zone_name(ctx, name, zone)))[0]


def _unlocalized(ms: int, zone: str) -> int:
    return dates.to_utc(ms, dates.get_zone(zone))[0]


# ------------------------------------------------------------------ now and conversion


@aql_function("DATE_NOW", min_args=0, max_args=0, deterministic=False)
def date_now(ctx: FunctionContext) -> int:
    return time.time_ns() // 1_000_000


def _from_components(ctx: FunctionContext, name: str, args: tuple[Any, ...]) -> int | None:
    """DATE_TIMESTAMP/DATE_ISO8601 with year, month, day[, hour, …] arguments."""
    if len(args) < 3 or any(not (is_number(a) or isinstance(a, str)) for a in args):
        return ctx.invalid_argument(name)
    fields = [math.trunc(to_number(a)) for a in args] + [0] * (7 - len(args))
    year, month, day, hour, minute, second, millisecond = fields
    if not 0 <= year <= 9999 or month < 0 or day < 0 or min(hour, minute, second, millisecond) < 0:
        return _invalid_date(ctx, name)
    # month and day are stored in a byte by ArangoDB's date library; values past
    # the end of their range overflow into the next unit (hour 26 = next day)
    days = dates.days_from_civil(year, month & 0xFF, day & 0xFF)
    return (
        days * MS_PER_DAY
        + hour * 3_600_000
        + minute * 60_000
        + second * 1000
        + min(millisecond, 999)
    )


@aql_function("DATE_ISO8601", min_args=1, max_args=7)
def date_iso8601(ctx: FunctionContext, *args: Any) -> Any:
    if len(args) == 1:
        ms = _time_point(ctx, "DATE_ISO8601", args[0])
    else:
        ms = _from_components(ctx, "DATE_ISO8601", args)
    return None if ms is None else _iso(ctx, "DATE_ISO8601", ms)


@aql_function("DATE_TIMESTAMP", min_args=1, max_args=7)
def date_timestamp(ctx: FunctionContext, *args: Any) -> Any:
    if len(args) == 1:
        return _time_point(ctx, "DATE_TIMESTAMP", args[0])
    return _from_components(ctx, "DATE_TIMESTAMP", args)


# ------------------------------------------------------------------ components


def _component(name: str, extract: Callable[[Civil], Any], *, with_timezone: bool = True) -> None:
    """Declare ``name(date[, timezone])`` returning ``extract(fields)``."""

    def fn(ctx: FunctionContext, value: Any, *zone: Any) -> Any:
        ms = _time_point(ctx, name, value)
        if ms is None:
            return None
        if zone:
            try:
                ms = _localized(ctx, name, ms, zone[0])
            except _BadArgument:
                return None
        return extract(civil(ms))

    fn.__name__ = name.lower()
    fn.__doc__ = f"{name}(date{', timezone' if with_timezone else ''})"
    aql_function(name, min_args=1, max_args=2 if with_timezone else 1)(fn)


_component("DATE_DAYOFWEEK", lambda c: dates.weekday(c.days))
_component("DATE_YEAR", lambda c: c.year)
_component("DATE_MONTH", lambda c: c.month)
_component("DATE_DAY", lambda c: c.day)
_component("DATE_HOUR", lambda c: c.hour)
_component("DATE_MINUTE", lambda c: c.minute)
_component("DATE_SECOND", lambda c: c.second, with_timezone=False)
_component("DATE_MILLISECOND", lambda c: c.millisecond, with_timezone=False)
_component("DATE_DAYOFYEAR", dates.day_of_year)
_component("DATE_ISOWEEK", lambda c: dates.iso_week(c.days)[1])


def _iso_week_year(c: Civil) -> dict[str, int]:
    year, week = dates.iso_week(c.days)
    return {"week": week, "year": year}


_component("DATE_ISOWEEKYEAR", _iso_week_year)
_component("DATE_LEAPYEAR", lambda c: dates.is_leap(c.year))
_component("DATE_QUARTER", lambda c: (c.month + 2) // 3)
_component("DATE_DAYS_IN_MONTH", lambda c: dates.days_in_month(c.year, c.month))


# ------------------------------------------------------------------ truncating, rounding, formatting


_TRUNC_UNITS = {
    "y": _YEAR, "year": _YEAR, "years": _YEAR,
    "m": _MONTH, "month": _MONTH, "months": _MONTH,
    "d": _DAY, "day": _DAY, "days": _DAY,
    "h": _HOUR, "hour": _HOUR, "hours": _HOUR,
    "i": _MINUTE, "minute": _MINUTE, "minutes": _MINUTE,
    "s": _SECOND, "second": _SECOND, "seconds": _SECOND,
    "f": _MILLI, "millisecond": _MILLI, "milliseconds": _MILLI,
}  # fmt: skip


def _truncate(ms: int, unit: int) -> int:
    c = civil(ms)
    if unit == _YEAR:
        return dates.days_from_civil(c.year, 1, 1) * MS_PER_DAY
    if unit == _MONTH:
        return dates.days_from_civil(c.year, c.month, 1) * MS_PER_DAY
    return ms - ms % _UNIT_MS[unit]


@aql_function("DATE_TRUNC", min_args=2, max_args=3)
def date_trunc(ctx: FunctionContext, date: Any, unit: Any, *zone: Any) -> Any:
    name = "DATE_TRUNC"
    ms = _time_point(ctx, name, date)
    if ms is None:
        return None
    if not isinstance(unit, str):
        return ctx.invalid_argument(name)
    try:
        if zone:
            ms = _localized(ctx, name, ms, zone[0])
    except _BadArgument:
        return None
    flag = _TRUNC_UNITS.get(unit.lower())
    if flag is None:
        return _invalid_date(ctx, name)
    ms = _truncate(ms, flag)
    if zone:
        ms = _unlocalized(ms, zone[0])
    return _iso(ctx, name, ms)


_ROUND_UNITS = {
    "f": 1, "millisecond": 1, "milliseconds": 1,
    "s": 1000, "second": 1000, "seconds": 1000,
    "i": 60_000, "minute": 60_000, "minutes": 60_000,
    "h": 3_600_000, "hour": 3_600_000, "hours": 3_600_000,
    "d": MS_PER_DAY, "day": MS_PER_DAY, "days": MS_PER_DAY,
}  # fmt: skip


@aql_function("DATE_ROUND", min_args=3, max_args=4)
def date_round(ctx: FunctionContext, date: Any, amount: Any, unit: Any, *zone: Any) -> Any:
    name = "DATE_ROUND"
    ms = _time_point(ctx, name, date)
    if ms is None:
        return None
    if not is_number(amount) or not isinstance(unit, str):
        return ctx.invalid_argument(name)
    try:
        if zone:
            ms = _localized(ctx, name, ms, zone[0])
    except _BadArgument:
        return None
    count = math.trunc(amount) if math.isfinite(amount) else 0
    factor = _ROUND_UNITS.get(unit.lower())
    if count <= 0 or factor is None:
        return ctx.invalid_argument(name)
    bucket = factor * count
    # C++ integer division truncates towards zero, also for dates before 1970
    ms = -(-ms // bucket) * bucket if ms < 0 else ms // bucket * bucket
    if zone:
        ms = _unlocalized(ms, zone[0])
    return _iso(ctx, name, ms)


@aql_function("DATE_FORMAT", min_args=2, max_args=3)
def date_format(ctx: FunctionContext, date: Any, fmt: Any, *zone: Any) -> Any:
    name = "DATE_FORMAT"
    ms = _time_point(ctx, name, date)
    if ms is None:
        return None
    if not isinstance(fmt, str):
        return ctx.invalid_argument(name)
    try:
        if zone:
            ms = _localized(ctx, name, ms, zone[0])
    except _BadArgument:
        return None
    return dates.format_date(fmt, ms)


# ------------------------------------------------------------------ calculation


def _shift_months(c: Civil, months: int) -> tuple[int, int, int]:
    """``(year, month, day)`` moved by ``months``; the day is kept and may
    overflow (Jan 31 + 1 month = "Feb 31" = March 3rd, as in ArangoDB)."""
    total = c.month - 1 + months
    return c.year + total // 12, total % 12 + 1, c.day


def _add_units(ms: int, amount: int | float, unit: int, sign: int) -> int | None:
    """ArangoDB's DATE_ADD with a unit: whole years and months move the
    calendar date, fractions fall through to months (x12) and days (x30)."""
    if amount < 0:
        sign, amount = -sign, -amount
    c = civil(ms)
    year, month, day = c.year, c.month, c.day
    offset: float | int = 0
    if unit in (_YEAR, _MONTH):
        if unit == _YEAR:
            fraction, whole = math.modf(amount) if isinstance(amount, float) else (0.0, amount)
            year += sign * int(whole)
            amount = fraction * 12
        if unit == _MONTH or amount:
            fraction, whole = math.modf(amount) if isinstance(amount, float) else (0.0, amount)
            year, month, day = _shift_months(
                Civil(year, month, day, 0, 0, 0, 0, 0, 0), sign * int(whole)
            )
            if fraction:
                offset = fraction * 30 * MS_PER_DAY
    elif unit in _UNIT_MS:
        offset = amount * _UNIT_MS[unit]
    else:
        return None
    if not math.isfinite(offset):
        return None
    # a duration in milliseconds, truncated like std::chrono::duration_cast
    return dates.days_from_civil(year, month, day) * MS_PER_DAY + c.time_of_day + sign * int(offset)


def _add_duration(ms: int, duration: str, sign: int) -> int | None:
    parsed = dates.parse_iso_duration(duration)
    if parsed is None:
        return None
    years, months, weeks, days, hours, minutes, seconds, millis = parsed
    c = civil(ms)
    year, month, day = _shift_months(
        Civil(c.year + sign * years, c.month, c.day, 0, 0, 0, 0, 0, 0), sign * months
    )
    offset = (
        (weeks * 7 + days) * MS_PER_DAY + hours * 3_600_000 + minutes * 60_000 + seconds * 1000
    ) + millis
    return dates.days_from_civil(year, month, day) * MS_PER_DAY + c.time_of_day + sign * offset


def _add(ctx: FunctionContext, name: str, sign: int, args: tuple[Any, ...]) -> Any:
    """DATE_ADD/DATE_SUBTRACT: (date, amount, unit[, tz]) or (date, isoDuration[, tz])."""
    ms = _time_point(ctx, name, args[0])
    if ms is None:
        return None
    timezoned = len(args) == 4 or (len(args) == 3 and isinstance(args[1], str))
    zone: str | None = None
    try:
        if timezoned:
            zone = _zone_name(ctx, name, args[-1])
            ms = dates.to_local(ms, dates.get_zone(zone))[0]
    except _BadArgument:
        return None
    if len(args) == 4 or (len(args) == 3 and not timezoned):
        amount, unit = args[1], args[2]
        if not is_number(amount) or not isinstance(unit, str):
            return ctx.invalid_argument(name)
        if not math.isfinite(amount):
            return _invalid_date(ctx, name)
        result = _add_units(ms, amount, _unit(unit), sign)
    else:
        if not isinstance(args[1], str):
            return ctx.invalid_argument(name)
        result = _add_duration(ms, args[1], sign)
    if result is None:
        return _invalid_date(ctx, name)
    if zone is not None and zone != "UTC":
        result = _unlocalized(result, zone)
    return _iso(ctx, name, result)


@aql_function("DATE_ADD", min_args=2, max_args=4)
def date_add(ctx: FunctionContext, *args: Any) -> Any:
    return _add(ctx, "DATE_ADD", 1, args)


@aql_function("DATE_SUBTRACT", min_args=2, max_args=4)
def date_subtract(ctx: FunctionContext, *args: Any) -> Any:
    return _add(ctx, "DATE_SUBTRACT", -1, args)


def _round_half_away(value: float) -> int:
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


@aql_function("DATE_DIFF", min_args=3, max_args=6)
def date_diff(ctx: FunctionContext, *args: Any) -> Any:
    """DATE_DIFF(date1, date2, unit[, asFloat][, timezone1[, timezone2]]).

    The fourth argument may be ``asFloat`` or already the first timezone; the
    zones are applied in ArangoDB's order."""
    name = "DATE_DIFF"
    first = _time_point(ctx, name, args[0])
    if first is None:
        return None
    second = _time_point(ctx, name, args[1])
    if second is None:
        return None
    if not isinstance(args[2], str):
        return ctx.invalid_argument(name)
    flag = _unit(args[2])
    as_float = False
    try:
        if len(args) > 3:
            fourth = args[3]
            if isinstance(fourth, bool):
                as_float = fourth
            elif isinstance(fourth, str):
                first = _localized(ctx, name, first, fourth)
                if len(args) == 4:
                    second = _localized(ctx, name, second, fourth)
            else:
                return ctx.invalid_argument(name)
            if len(args) > 4:
                zone = _zone_name(ctx, name, args[4])
                if isinstance(fourth, bool):
                    first = _localized(ctx, name, first, zone)
                    if len(args) == 5:
                        second = _localized(ctx, name, second, zone)
                else:
                    second = _localized(ctx, name, second, zone)
                if len(args) == 6:
                    second = _localized(ctx, name, second, args[5])
    except _BadArgument:
        return None
    if flag == _INVALID:
        return _invalid_date(ctx, name)
    diff = (second - first) / _UNIT_MS[flag]
    return number(diff) if as_float else _round_half_away(diff)


_COMPARE_ORDER = (_YEAR, _MONTH, _DAY, _HOUR, _MINUTE, _SECOND, _MILLI)


def _compare_field(c: Civil, unit: int) -> int:
    return {
        _YEAR: c.year,
        _MONTH: c.month,
        _DAY: c.day,
        _HOUR: c.hour,
        _MINUTE: c.minute,
        _SECOND: c.second,
        _MILLI: c.millisecond,
    }[unit]


@aql_function("DATE_COMPARE", min_args=3, max_args=6)
def date_compare(ctx: FunctionContext, *args: Any) -> Any:
    """DATE_COMPARE(date1, date2, unitRangeStart[, unitRangeEnd][, tz1[, tz2]])."""
    name = "DATE_COMPARE"
    first = _time_point(ctx, name, args[0])
    if first is None:
        return None
    second = _time_point(ctx, name, args[1])
    if second is None:
        return None
    start = _unit(args[2])
    if start == _INVALID:
        return ctx.invalid_argument(name)
    end = start
    try:
        if len(args) > 3:
            end = _unit(args[3])
            start_zone = end_zone = 0
            if end == _INVALID:
                # the fourth argument is the first timezone
                end = start
                if len(args) > 5:
                    return ctx.invalid_argument(name)
                start_zone, end_zone = 3, 3 if len(args) == 4 else 4
            elif len(args) > 4:
                start_zone, end_zone = 4, 4 if len(args) == 5 else 5
            if start_zone:
                first = _localized(ctx, name, first, args[start_zone])
                second = _localized(ctx, name, second, args[end_zone])
    except _BadArgument:
        return None
    if start == _WEEK:
        return True  # ArangoDB compares nothing for a week range start
    a, b = civil(first), civil(second)
    for unit in _COMPARE_ORDER[_COMPARE_ORDER.index(start) :]:
        if unit != _YEAR and end > unit:
            break
        if _compare_field(a, unit) != _compare_field(b, unit):
            return False
    return True


# ------------------------------------------------------------------ timezones


def _zone_info(ms: int, state: dates.ZoneState, zone: Any) -> dict[str, Any]:
    begin, end = dates.zone_period(zone, ms)
    return {
        "name": state.abbreviation,
        "begin": dates.iso_string(begin) if begin is not None else None,
        "end": dates.iso_string(end) if end is not None else None,
        "dst": state.dst,
        "offset": state.offset,
    }


def _convert_args(ctx: FunctionContext, name: str, args: tuple[Any, ...]) -> tuple[int, str, bool]:
    ms = _time_point(ctx, name, args[0])
    if ms is None:
        raise _BadArgument
    zone = _zone_name(ctx, name, args[1])
    detail = args[2] if len(args) == 3 else False
    if not isinstance(detail, bool):
        ctx.invalid_argument(name)
        raise _BadArgument
    return ms, zone, detail


@aql_function("DATE_UTCTOLOCAL", min_args=2, max_args=3)
def date_utctolocal(ctx: FunctionContext, *args: Any) -> Any:
    name = "DATE_UTCTOLOCAL"
    try:
        ms, zone_name, detail = _convert_args(ctx, name, args)
    except _BadArgument:
        return None
    zone = dates.get_zone(zone_name)
    local, state = dates.to_local(ms, zone)
    # the local time keeps the "Z" only where it equals UTC
    text = dates.iso_string(local, utc=state.offset == 0 and not state.dst)
    if text is None:
        _invalid_date(ctx, name)
    if not detail:
        return text
    return {"local": text, "tzdb": dates.tzdb_version(), "zoneInfo": _zone_info(ms, state, zone)}


@aql_function("DATE_LOCALTOUTC", min_args=2, max_args=3)
def date_localtoutc(ctx: FunctionContext, *args: Any) -> Any:
    name = "DATE_LOCALTOUTC"
    try:
        ms, zone_name, detail = _convert_args(ctx, name, args)
    except _BadArgument:
        return None
    zone = dates.get_zone(zone_name)
    utc, state = dates.to_utc(ms, zone)
    text = _iso(ctx, name, utc)
    if not detail:
        return text
    return {"utc": text, "tzdb": dates.tzdb_version(), "zoneInfo": _zone_info(utc, state, zone)}


@aql_function("DATE_TIMEZONE", min_args=0, max_args=0)
def date_timezone(ctx: FunctionContext) -> str:
    return dates.system_zone()


@aql_function("DATE_TIMEZONES", min_args=0, max_args=0)
def date_timezones(ctx: FunctionContext) -> list[str]:
    return dates.all_zones()
