"""AQL date values: parsing, calendar arithmetic, formatting and timezones.

AQL has no date type: a date is a number of milliseconds since the Unix epoch
or an ISO 8601 string (``2014-05-07T14:19:09.522Z``). ArangoDB computes on the
proleptic Gregorian calendar with year 0 allowed (``0000-01-01`` is valid), a
range Python's :mod:`datetime` cannot represent. So this module works on plain
integers: a *time point* is an ``int`` of milliseconds (UTC, or "local wall
clock" after :func:`to_local`), converted to and from civil dates with the
usual days-from-civil arithmetic. :mod:`zoneinfo` is used only to look up UTC
offsets.

The string grammar follows ArangoDB's own parser (not a generic ISO parser):
``[+]YYYY[-MM[-DD]][(T| )HH:MM[:SS[.fff…]]][Z|±HH:MM]``, surrounding
whitespace ignored; a day up to 31 is accepted in any month and overflows into
the next (``2015-02-31`` is March 3rd), as in ArangoDB.
"""

from __future__ import annotations

import os
import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from arangolite.errors import ArangoError, E

__all__ = [
    "MIN_MS",
    "MAX_MS",
    "MS_PER_DAY",
    "Civil",
    "ZoneState",
    "parse_date_string",
    "is_date_string",
    "civil",
    "days_from_civil",
    "iso_string",
    "is_leap",
    "days_in_month",
    "iso_week",
    "day_of_year",
    "weekday",
    "parse_iso_duration",
    "format_date",
    "get_zone",
    "to_local",
    "to_utc",
    "zone_period",
    "tzdb_version",
    "system_zone",
    "all_zones",
]

#: "0000-01-01T00:00:00.000Z" and "9999-12-31T23:59:59.999Z", the valid range
MIN_MS = -62167219200000
MAX_MS = 253402300799999
MS_PER_DAY = 86_400_000

_WHITESPACE = " \t\r\n"


# ------------------------------------------------------------------ calendar


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date.

    The day is added linearly, so an out-of-range day overflows into the next
    month (ArangoDB accepts ``2016-02-32`` as March 3rd). Months are taken as
    March-based offsets, which also makes 0 and 13 mean December of the previous
    and January of the next year.
    """
    y = year - (1 if month <= 2 else 0)
    era = y // 400
    year_of_era = y - era * 400
    shifted_month = month - 3 if month > 2 else month + 9
    day_of_year = (153 * shifted_month + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _civil_from_days(days: int) -> tuple[int, int, int]:
    shifted = days + 719468
    era = shifted // 146097
    day_of_era = shifted - era * 146097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = shifted_month + 3 if shifted_month < 10 else shifted_month - 9
    return year_of_era + era * 400 + (1 if month <= 2 else 0), month, day


@dataclass(frozen=True, slots=True)
class Civil:
    """The calendar fields of a time point."""

    year: int
    month: int
    day: int
    hour: int
    minute: int
    second: int
    millisecond: int
    #: days since the epoch (floor), for weekday and week computations
    days: int
    #: milliseconds since midnight
    time_of_day: int


def civil(ms: int) -> Civil:
    days, time_of_day = divmod(ms, MS_PER_DAY)
    year, month, day = _civil_from_days(days)
    seconds, millisecond = divmod(time_of_day, 1000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return Civil(year, month, day, hour, minute, second, millisecond, days, time_of_day)


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    return 29 if month == 2 and is_leap(year) else _MONTH_DAYS[month - 1]


def weekday(days: int) -> int:
    """0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday)."""
    return (days + 4) % 7


def day_of_year(c: Civil) -> int:
    return c.days - days_from_civil(c.year, 1, 1) + 1


def iso_week(days: int) -> tuple[int, int]:
    """ISO 8601 ``(year, week)``: the week belongs to the year of its Thursday."""
    monday_based = (days + 3) % 7
    thursday = days - monday_based + 3
    year = _civil_from_days(thursday)[0]
    return year, (thursday - days_from_civil(year, 1, 1)) // 7 + 1


def iso_string(ms: int, *, utc: bool = True) -> str | None:
    """``YYYY-MM-DDTHH:MM:SS.mmmZ`` (no ``Z`` for local times), None outside
    years 0..9999, where ArangoDB returns null with an "invalid date value"
    warning."""
    c = civil(ms)
    if not 0 <= c.year <= 9999:
        return None
    return (
        f"{c.year:04d}-{c.month:02d}-{c.day:02d}T{c.hour:02d}:{c.minute:02d}:"
        f"{c.second:02d}.{c.millisecond:03d}{'Z' if utc else ''}"
    )


# ------------------------------------------------------------------ parsing


def _digits(text: str, pos: int) -> tuple[int, int]:
    """The number starting at ``pos`` and its length (0 if none)."""
    end = pos
    while end < len(text) and "0" <= text[end] <= "9":
        end += 1
    return (int(text[pos:end]) if end > pos else 0), end - pos


def _parse_fields(text: str) -> tuple[int, ...] | None:
    """year, month, day, hour, minute, second, ms, offset minutes — or None."""
    text = text.lstrip(_WHITESPACE)
    if text[:1] == "+":
        text = text[1:]
    elif text[:1] == "-":
        return None  # ArangoDB cannot handle negative years at all
    text = text.rstrip(_WHITESPACE)

    year, length = _digits(text, 0)
    if length == 0 or year > 9999:
        return None
    if length > 4 and len(text[:length].lstrip("0")) > 4:
        return None  # any number of leading zeros, but at most four digits
    pos = length
    month = day = 1
    hour = minute = second = millisecond = offset = 0

    if text[pos : pos + 1] == "-":
        month, length = _digits(text, pos + 1)
        if length == 0 or length > 2 or not 1 <= month <= 12:
            return None
        pos += 1 + length
        if text[pos : pos + 1] == "-":
            day, length = _digits(text, pos + 1)
            if length == 0 or length > 2 or not 1 <= day <= 31:
                return None
            pos += 1 + length

    if text[pos : pos + 1] in (" ", "T"):
        hour, length = _digits(text, pos + 1)
        if length == 0 or length > 2 or hour > 23:
            return None
        pos += 1 + length
        if text[pos : pos + 1] != ":":
            return None
        minute, length = _digits(text, pos + 1)
        if length == 0 or length > 2 or minute > 59:
            return None
        pos += 1 + length
        if text[pos : pos + 1] == ":":
            second, length = _digits(text, pos + 1)
            if length == 0 or length > 2 or second > 59:
                return None
            pos += 1 + length
            if text[pos : pos + 1] == ".":
                _, length = _digits(text, pos + 1)
                if length == 0:
                    return None
                # only the first three digits count: .5 -> 500 ms, .1234 -> 123 ms
                millisecond = int(text[pos + 1 : pos + 1 + min(length, 3)].ljust(3, "0"))
                pos += 1 + length

    if pos < len(text):
        sign = text[pos]
        if sign in "zZ":
            pos += 1
        elif sign in "+-":
            hours, length = _digits(text, pos + 1)
            if length == 0 or length > 2 or hours > 23:
                return None
            pos += 1 + length
            if text[pos : pos + 1] != ":":
                return None
            minutes, length = _digits(text, pos + 1)
            if length == 0 or length > 2 or minutes > 59:
                return None
            pos += 1 + length
            offset = (hours * 60 + minutes) * (1 if sign == "+" else -1)
    if pos != len(text):
        return None
    return year, month, day, hour, minute, second, millisecond, offset


def parse_date_string(text: str) -> int | None:
    """The time point a date string denotes, or None if ArangoDB rejects it."""
    fields = _parse_fields(text)
    if fields is None:
        return None
    year, month, day, hour, minute, second, millisecond, offset = fields
    ms = days_from_civil(year, month, day) * MS_PER_DAY
    ms += ((hour * 60 + minute) * 60 + second) * 1000 + millisecond
    if offset:
        ms -= offset * 60_000
        if not 0 <= civil(ms).year <= 9999:
            return None
    return ms


def is_date_string(value: object) -> bool:
    """IS_DATESTRING(): true for strings the date functions accept."""
    return isinstance(value, str) and parse_date_string(value) is not None


_DURATION = re.compile(
    r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
    r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,3}))?S)?)?",
    re.ASCII,
)


def parse_iso_duration(text: str) -> tuple[int, int, int, int, int, int, int, int] | None:
    """``P1Y2M3W4DT5H6M7.89S`` -> (years, months, weeks, days, hours, minutes,
    seconds, milliseconds); None if it is not a duration ArangoDB accepts."""
    if len(text) <= 1:
        return None
    match = _DURATION.fullmatch(text)
    if match is None:
        return None
    *parts, fraction = match.groups()
    millis = int(fraction.ljust(3, "0")) if fraction else 0
    years, months, weeks, days, hours, minutes, seconds = (int(p or 0) for p in parts)
    return years, months, weeks, days, hours, minutes, seconds, millis


# ------------------------------------------------------------------ DATE_FORMAT

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def _signed_year(year: int, width: int) -> str:
    if year < 0:
        return "-" + str(-year).zfill(width)
    return str(year).zfill(width)


def _placeholder(token: str, ms: int, c: Civil) -> str:  # noqa: PLR0911, PLR0912 - one table
    match token:
        case "%&" | "%":
            return ""
        case "%%":
            return "%"
        case "%t":
            return str(ms)
        case "%z":
            return iso_string(ms) or ""
        case "%w":
            return str(weekday(c.days))
        case "%www":
            return _WEEKDAYS[weekday(c.days)][:3]
        case "%wwww":
            return _WEEKDAYS[weekday(c.days)]
        case "%y":
            return str(c.year)
        case "%yy":
            return str(abs(c.year)).zfill(2)[-2:]
        case "%yyyy":
            return _signed_year(c.year, 4) if 0 <= c.year <= 9999 else _six_digit_year(c.year)
        case "%yyyyyy":
            return _six_digit_year(c.year)
        case "%m":
            return str(c.month)
        case "%mm":
            return f"{c.month:02d}"
        case "%mmm":
            return _MONTHS[c.month - 1][:3]
        case "%mmmm":
            return _MONTHS[c.month - 1]
        case "%d":
            return str(c.day)
        case "%dd":
            return f"{c.day:02d}"
        case "%h":
            return str(c.hour)
        case "%hh":
            return f"{c.hour:02d}"
        case "%i":
            return str(c.minute)
        case "%ii":
            return f"{c.minute:02d}"
        case "%s":
            return str(c.second)
        case "%ss":
            return f"{c.second:02d}"
        case "%f":
            return str(c.millisecond)
        case "%fff":
            return f"{c.millisecond:03d}"
        case "%x":
            return str(day_of_year(c))
        case "%xxx":
            return f"{day_of_year(c):03d}"
        case "%k":
            return str(iso_week(c.days)[1])
        case "%kk":
            return f"{iso_week(c.days)[1]:02d}"
        case "%l":
            return "1" if is_leap(c.year) else "0"
        case "%q":
            return str((c.month + 2) // 3)
        case "%a":
            return str(days_in_month(c.year, c.month))
    return ""


def _six_digit_year(year: int) -> str:
    return ("-" if year < 0 else "+") + str(abs(year)).zfill(6)


# Alternatives in ArangoDB's order: the first that matches wins, so "%yyyy" is
# tried before "%yy" and "%mmonth" reads as "%mm" + "onth" ("%m%&month" helps).
_FORMAT = re.compile(
    "|".join(
        re.escape(p)
        for p in (
            "%&",
            "%yyyyyy",
            "%mmmm",
            "%yyyy",
            "%wwww",
            "%mmm",
            "%www",
            "%fff",
            "%xxx",
            "%yy",
            "%mm",
            "%dd",
            "%hh",
            "%ii",
            "%ss",
            "%kk",
            "%t",
            "%z",
            "%w",
            "%y",
            "%m",
            "%d",
            "%h",
            "%i",
            "%s",
            "%f",
            "%x",
            "%k",
            "%l",
            "%q",
            "%a",
            "%%",
            "%",
        )  # fmt: skip
    ),
    re.IGNORECASE,
)


def format_date(fmt: str, ms: int) -> str:
    """DATE_FORMAT(): replace the ``%`` placeholders (case-insensitive, as the
    documentation says) with fields of ``ms``."""
    c = civil(ms)
    return _FORMAT.sub(lambda m: _placeholder(m.group(0).lower(), ms, c), fmt)


# ------------------------------------------------------------------ timezones

# datetime covers years 1..9999; offsets outside that are taken at its edges
# (they are the zone's local mean time there anyway)
_DT_MIN_MS = days_from_civil(1, 1, 2) * MS_PER_DAY
_DT_MAX_MS = days_from_civil(9999, 12, 30) * MS_PER_DAY
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ZoneState:
    """The rules in force at one instant: what ``zoneInfo`` reports."""

    #: total offset from UTC in seconds, daylight saving included
    offset: int
    dst: bool
    abbreviation: str


@lru_cache(maxsize=512)
def get_zone(name: str) -> zoneinfo.ZoneInfo:
    """The IANA zone ``name``; unknown names abort the query, as in ArangoDB,
    whose timezone library throws "<name> not found in timezone database"."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise ArangoError(E.INTERNAL, f"{name} not found in timezone database") from None


def _state(local: datetime) -> ZoneState:
    offset = local.utcoffset() or timedelta(0)
    dst = local.dst()
    return ZoneState(int(offset.total_seconds()), bool(dst), local.tzname() or "")


def _aware(utc_ms: int, zone: zoneinfo.ZoneInfo) -> datetime:
    clamped = min(max(utc_ms, _DT_MIN_MS), _DT_MAX_MS)
    return (_EPOCH + timedelta(milliseconds=clamped)).astimezone(zone)


def to_local(utc_ms: int, zone: zoneinfo.ZoneInfo) -> tuple[int, ZoneState]:
    """The wall-clock time point in ``zone`` for a UTC time point."""
    state = _state(_aware(utc_ms, zone))
    return utc_ms + state.offset * 1000, state


def to_utc(local_ms: int, zone: zoneinfo.ZoneInfo) -> tuple[int, ZoneState]:
    """The UTC time point of a wall-clock time in ``zone``. Ambiguous and
    skipped wall times take the offset in force before the transition."""
    clamped = min(max(local_ms, _DT_MIN_MS), _DT_MAX_MS)
    c = civil(clamped)
    wall = datetime(
        c.year, c.month, c.day, c.hour, c.minute, c.second, c.millisecond * 1000, tzinfo=zone
    )
    state = _state(wall)
    return local_ms - state.offset * 1000, state


_SCAN_NEAR_MS = 7 * MS_PER_DAY
_SCAN_FAR_MS = 30 * MS_PER_DAY
_NEAR_SPAN_MS = 3 * 366 * MS_PER_DAY
_SCAN_LIMIT_LOW = days_from_civil(1800, 1, 1) * MS_PER_DAY
_SCAN_LIMIT_HIGH = days_from_civil(2200, 1, 1) * MS_PER_DAY


def _next_change(zone: zoneinfo.ZoneInfo, start: int, direction: int) -> int | None:
    """The first instant (to the second) after/before ``start`` whose rules
    differ from those at ``start``; None if there is none within the tz data."""
    reference = _state(_aware(start, zone))
    inside, t = start, start
    while True:
        step = _SCAN_NEAR_MS if abs(t - start) < _NEAR_SPAN_MS else _SCAN_FAR_MS
        t += direction * step
        if not _SCAN_LIMIT_LOW <= t <= _SCAN_LIMIT_HIGH:
            return None
        if _state(_aware(t, zone)) != reference:
            break
        inside = t
    outside = t
    while abs(outside - inside) > 1000:
        middle = (inside + outside) // 2
        if _state(_aware(middle, zone)) == reference:
            inside = middle
        else:
            outside = middle
    # transitions fall on whole seconds: the boundary is the whole second
    # between the last instant with the old rules and the first with the new
    later = max(inside, outside)
    return later - later % 1000


def zone_period(zone: zoneinfo.ZoneInfo, utc_ms: int) -> tuple[int | None, int | None]:
    """``(begin, end)`` of the period around ``utc_ms`` in which the zone's
    offset, DST flag and abbreviation stay the same; None for an open end."""
    return _next_change(zone, utc_ms, -1), _next_change(zone, utc_ms, 1)


@lru_cache(maxsize=1)
def tzdb_version() -> str:
    """The IANA database version zoneinfo reads (``"2025b"``): the system's
    files come first, the ``tzdata`` package is zoneinfo's fallback."""
    for root in zoneinfo.TZPATH:
        try:
            first = (Path(root) / "tzdata.zi").read_text(encoding="ascii").split("\n", 1)[0]
        except OSError:
            continue
        if first.startswith("# version "):
            return first.removeprefix("# version ").strip()
    try:
        import tzdata  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return "unknown"
    return str(tzdata.IANA_VERSION)


@lru_cache(maxsize=1)
def system_zone() -> str:
    """The server's timezone name (``Etc/UTC`` in most containers)."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        target = os.readlink("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    try:
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    except OSError:
        pass
    for name in candidates:
        if name and name in all_zones_set():
            return name
    return "Etc/UTC"


@lru_cache(maxsize=1)
def all_zones_set() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def all_zones() -> list[str]:
    """Every zone and link name known to the timezone database."""
    return sorted(all_zones_set())
