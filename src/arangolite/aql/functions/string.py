"""String functions (AQL reference: "String functions").

Arguments are cast with ``TO_STRING`` rules where ArangoDB does so (``null``
becomes ``""``); regular expressions use ArangoDB's syntax, which for the common
cases is Python's.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import string as _string
import struct
import uuid
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import orjson

from arangolite.aql.functions import FunctionContext, aql_function
from arangolite.aql.values import is_number, json_dumps, to_bool, to_number, to_string
from arangolite.errors import E


@lru_cache(maxsize=256)
def like_pattern(pattern: str, case_insensitive: bool) -> re.Pattern[str]:
    """LIKE's wildcards (``%``, ``_``, backslash escapes) as a compiled regex."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch))
        i += 1
    flags = re.DOTALL | (re.IGNORECASE if case_insensitive else 0)
    return re.compile("".join(out), flags)


@lru_cache(maxsize=256)
def compile_regex(pattern: str, case_insensitive: bool) -> re.Pattern[str] | None:
    """An AQL regular expression, or None when it is invalid."""
    try:
        return re.compile(pattern, re.IGNORECASE if case_insensitive else 0)
    except (re.error, OverflowError):
        return None


def _invalid_regex(ctx: FunctionContext, name: str) -> None:
    ctx.warn(E.QUERY_INVALID_REGEX, f"invalid regex value in call to function '{name}()'")


@aql_function("CONCAT", min_args=1, max_args=None)
def concat(ctx: FunctionContext, *values: Any) -> str:
    if len(values) == 1 and isinstance(values[0], list):
        values = tuple(values[0])
    return "".join(to_string(v) for v in values if v is not None)


@aql_function("CONCAT_SEPARATOR", min_args=2, max_args=None)
def concat_separator(ctx: FunctionContext, separator: Any, *values: Any) -> str:
    if len(values) == 1 and isinstance(values[0], list):
        values = tuple(values[0])
    return to_string(separator).join(to_string(v) for v in values if v is not None)


@aql_function("LOWER", min_args=1, max_args=1)
def lower(ctx: FunctionContext, value: Any) -> str:
    return to_string(value).lower()


@aql_function("UPPER", min_args=1, max_args=1)
def upper(ctx: FunctionContext, value: Any) -> str:
    return to_string(value).upper()


@aql_function("CHAR_LENGTH", min_args=1, max_args=1)
def char_length(ctx: FunctionContext, value: Any) -> int:
    return len(to_string(value))


@aql_function("CONTAINS", min_args=2, max_args=3)
def contains(ctx: FunctionContext, text: Any, search: Any, return_index: Any = False) -> Any:
    haystack, needle = to_string(text), to_string(search)
    if to_bool(return_index):
        return haystack.find(needle)
    return needle in haystack


@aql_function("SUBSTRING", min_args=2, max_args=3)
def substring(ctx: FunctionContext, value: Any, offset: Any, length: Any = None) -> str:
    text = to_string(value)
    start = int(to_number(offset))
    if start < 0:
        start = max(0, len(text) + start)
    if length is None:
        return text[start:]
    count = int(to_number(length))
    if count < 0:
        return text[start : max(start, len(text) + count)]
    return text[start : start + count]


@aql_function("SUBSTRING_BYTES", min_args=2, max_args=3)
def substring_bytes(ctx: FunctionContext, value: Any, offset: Any, length: Any = None) -> Any:
    data = to_string(value).encode()
    start = int(to_number(offset))
    if start < 0:
        start = max(0, len(data) + start)
    end = len(data) if length is None else start + max(0, int(to_number(length)))
    try:
        return data[start:end].decode()
    except UnicodeDecodeError:
        return ctx.invalid_argument("SUBSTRING_BYTES")


@aql_function("LEFT", min_args=2, max_args=2)
def left(ctx: FunctionContext, value: Any, n: Any) -> str:
    return to_string(value)[: max(0, int(to_number(n)))]


@aql_function("RIGHT", min_args=2, max_args=2)
def right(ctx: FunctionContext, value: Any, n: Any) -> str:
    count = max(0, int(to_number(n)))
    text = to_string(value)
    return text[max(0, len(text) - count) :] if count else ""


def _trim_chars(chars: Any) -> str:
    return to_string(chars) if chars is not None else " \t\r\n"


@aql_function("TRIM", min_args=1, max_args=2)
def trim(ctx: FunctionContext, value: Any, how: Any = None) -> str:
    text = to_string(value)
    if how is None or is_number(how):
        kind = int(to_number(how)) if how is not None else 0
        chars = " \t\r\n"
        if kind == 1:
            return text.lstrip(chars)
        if kind == 2:
            return text.rstrip(chars)
        return text.strip(chars)
    return text.strip(_trim_chars(how))


@aql_function("LTRIM", min_args=1, max_args=2)
def ltrim(ctx: FunctionContext, value: Any, chars: Any = None) -> str:
    return to_string(value).lstrip(_trim_chars(chars))


@aql_function("RTRIM", min_args=1, max_args=2)
def rtrim(ctx: FunctionContext, value: Any, chars: Any = None) -> str:
    return to_string(value).rstrip(_trim_chars(chars))


@aql_function("SPLIT", min_args=1, max_args=3)
def split(ctx: FunctionContext, value: Any, separator: Any = None, limit: Any = None) -> Any:
    if value is None:
        return []
    text = to_string(value)
    if separator is None:
        parts = [text]
    elif isinstance(separator, list):
        seps = [to_string(s) for s in separator if to_string(s)]
        if not seps:
            parts = list(text)
        else:
            parts = re.split("|".join(re.escape(s) for s in seps), text)
    else:
        sep = to_string(separator)
        parts = list(text) if sep == "" else text.split(sep)
    if limit is not None:
        n = int(to_number(limit))
        if n >= 0:
            parts = parts[:n]
    return parts


@aql_function("FIND_FIRST", min_args=2, max_args=4)
def find_first(
    ctx: FunctionContext, text: Any, search: Any, start: Any = None, end: Any = None
) -> int:
    haystack, needle = to_string(text), to_string(search)
    begin = int(to_number(start)) if start is not None else 0
    stop = int(to_number(end)) + 1 if end is not None else len(haystack)
    if begin < 0 or (end is not None and stop <= begin):
        return -1
    return haystack.find(needle, begin, stop)


@aql_function("FIND_LAST", min_args=2, max_args=4)
def find_last(
    ctx: FunctionContext, text: Any, search: Any, start: Any = None, end: Any = None
) -> int:
    haystack, needle = to_string(text), to_string(search)
    begin = int(to_number(start)) if start is not None else 0
    stop = int(to_number(end)) + 1 if end is not None else len(haystack)
    if begin < 0 or (end is not None and stop <= begin):
        return -1
    return haystack.rfind(needle, begin, stop)


@aql_function("STARTS_WITH", min_args=2, max_args=3)
def starts_with(ctx: FunctionContext, text: Any, prefix: Any, min_match: Any = None) -> bool:
    value = to_string(text)
    if isinstance(prefix, list):
        needed = int(to_number(min_match)) if min_match is not None else 1
        hits = sum(1 for p in prefix if value.startswith(to_string(p)))
        return hits >= needed
    return value.startswith(to_string(prefix))


@aql_function("SUBSTITUTE", min_args=2, max_args=4)
def substitute(
    ctx: FunctionContext, value: Any, search: Any, replace: Any = None, limit: Any = None
) -> str:
    text = to_string(value)
    if isinstance(search, dict):
        pairs = [(to_string(k), to_string(v)) for k, v in search.items()]
        limit = replace
    else:
        searches = search if isinstance(search, list) else [search]
        if isinstance(replace, list):
            replacements = [to_string(r) for r in replace]
        else:
            replacements = [to_string(replace)] * len(searches)
        pairs = [
            (to_string(s), replacements[i] if i < len(replacements) else "")
            for i, s in enumerate(searches)
        ]
    pairs = [(s, r) for s, r in pairs if s]
    if not pairs:
        return text
    count = int(to_number(limit)) if limit is not None else 0
    lookup = dict(pairs)
    pattern = re.compile("|".join(re.escape(s) for s, _ in sorted(pairs, key=lambda p: -len(p[0]))))
    return pattern.sub(lambda m: lookup[m.group(0)], text, count=max(count, 0))


@aql_function("LIKE", min_args=2, max_args=3)
def like(ctx: FunctionContext, text: Any, search: Any, case_insensitive: Any = False) -> bool:
    pattern = like_pattern(to_string(search), to_bool(case_insensitive))
    return pattern.fullmatch(to_string(text)) is not None


@aql_function("REGEX_TEST", min_args=2, max_args=3)
def regex_test(ctx: FunctionContext, text: Any, search: Any, case_insensitive: Any = False) -> Any:
    pattern = compile_regex(to_string(search), to_bool(case_insensitive))
    if pattern is None:
        return _invalid_regex(ctx, "REGEX_TEST")
    return pattern.search(to_string(text)) is not None


@aql_function("REGEX_MATCHES", min_args=2, max_args=3)
def regex_matches(
    ctx: FunctionContext, text: Any, search: Any, case_insensitive: Any = False
) -> Any:
    pattern = compile_regex(to_string(search), to_bool(case_insensitive))
    if pattern is None:
        return _invalid_regex(ctx, "REGEX_MATCHES")
    found = pattern.search(to_string(text))
    if found is None:
        return None
    return [found.group(0), *[g if g is not None else "" for g in found.groups()]]


@aql_function("REGEX_SPLIT", min_args=2, max_args=4)
def regex_split(
    ctx: FunctionContext, text: Any, splitter: Any, case_insensitive: Any = False, limit: Any = None
) -> Any:
    pattern = compile_regex(to_string(splitter), to_bool(case_insensitive))
    if pattern is None:
        return _invalid_regex(ctx, "REGEX_SPLIT")
    parts = pattern.split(to_string(text))
    if limit is not None:
        parts = parts[: max(0, int(to_number(limit)))]
    return [p if p is not None else "" for p in parts]


@aql_function("REGEX_REPLACE", min_args=3, max_args=4)
def regex_replace(
    ctx: FunctionContext, text: Any, search: Any, replacement: Any, case_insensitive: Any = False
) -> Any:
    pattern = compile_regex(to_string(search), to_bool(case_insensitive))
    if pattern is None:
        return _invalid_regex(ctx, "REGEX_REPLACE")
    # ArangoDB writes group references as $1; Python as \1
    template = re.sub(r"\$(\d)", r"\\\1", to_string(replacement).replace("\\", "\\\\"))
    try:
        return pattern.sub(template, to_string(text))
    except (re.error, IndexError):
        return _invalid_regex(ctx, "REGEX_REPLACE")


@aql_function("MD5", min_args=1, max_args=1)
def md5(ctx: FunctionContext, value: Any) -> str:
    return hashlib.md5(to_string(value).encode(), usedforsecurity=False).hexdigest()


@aql_function("SHA1", min_args=1, max_args=1)
def sha1(ctx: FunctionContext, value: Any) -> str:
    return hashlib.sha1(to_string(value).encode(), usedforsecurity=False).hexdigest()


@aql_function("SHA256", min_args=1, max_args=1)
def sha256(ctx: FunctionContext, value: Any) -> str:
    return hashlib.sha256(to_string(value).encode()).hexdigest()


@aql_function("SHA512", min_args=1, max_args=1)
def sha512(ctx: FunctionContext, value: Any) -> str:
    return hashlib.sha512(to_string(value).encode()).hexdigest()


@aql_function("CRC32", min_args=1, max_args=1)
def crc32(ctx: FunctionContext, value: Any) -> str:
    # ArangoDB's CRC32 is the Castagnoli variant (CRC-32C)
    return f"{_crc32c(to_string(value).encode()):08X}"


def _crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


@aql_function("TO_BASE64", min_args=1, max_args=1)
def to_base64(ctx: FunctionContext, value: Any) -> str:
    return base64.b64encode(to_string(value).encode()).decode()


@aql_function("TO_HEX", min_args=1, max_args=1)
def to_hex(ctx: FunctionContext, value: Any) -> str:
    return to_string(value).encode().hex()


@aql_function("ENCODE_URI_COMPONENT", min_args=1, max_args=1)
def encode_uri_component(ctx: FunctionContext, value: Any) -> str:
    return quote(to_string(value), safe="-_.!~*'()")


@aql_function("UUID", min_args=0, max_args=0, deterministic=False)
def uuid_(ctx: FunctionContext) -> str:
    return str(uuid.uuid4())


@aql_function("RANDOM_TOKEN", min_args=1, max_args=1, deterministic=False)
def random_token(ctx: FunctionContext, length: Any) -> Any:
    n = int(to_number(length))
    if n < 0 or n > 65536:
        return ctx.invalid_argument("RANDOM_TOKEN")
    alphabet = _string.ascii_letters + _string.digits
    return "".join(secrets.choice(alphabet) for _ in range(n))


@aql_function("JSON_STRINGIFY", min_args=1, max_args=1)
def json_stringify(ctx: FunctionContext, value: Any) -> str:
    return json_dumps(value)


@aql_function("JSON_PARSE", min_args=1, max_args=1)
def json_parse(ctx: FunctionContext, text: Any) -> Any:
    if not isinstance(text, str):
        return ctx.invalid_argument("JSON_PARSE")
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return ctx.invalid_argument("JSON_PARSE")


@aql_function("FNV64", min_args=1, max_args=1)
def fnv64(ctx: FunctionContext, value: Any) -> str:
    h = 0xCBF29CE484222325
    for byte in to_string(value).encode():
        h ^= byte
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:X}"


@aql_function("LEVENSHTEIN_DISTANCE", min_args=2, max_args=2)
def levenshtein_distance(ctx: FunctionContext, a: Any, b: Any) -> int:
    s, t = to_string(a), to_string(b)
    previous = list(range(len(t) + 1))
    for i, cs in enumerate(s, 1):
        current = [i]
        for j, ct in enumerate(t, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (cs != ct)))
        previous = current
    return previous[-1]


# ------------------------------------------------------------------ fingerprints, n-grams, IPv4

_SOUNDEX_CODES = {
    **dict.fromkeys("BFPV", "1"),
    **dict.fromkeys("CGJKQSXZ", "2"),
    **dict.fromkeys("DT", "3"),
    "L": "4",
    **dict.fromkeys("MN", "5"),
    "R": "6",
}


@aql_function("SOUNDEX", min_args=1, max_args=1)
def soundex(ctx: FunctionContext, value: Any) -> str:
    """American Soundex: the first letter, then up to three digit codes; H and W
    do not separate equal codes, vowels do."""
    letters = [c for c in to_string(value).upper() if "A" <= c <= "Z"]
    if not letters:
        return ""
    out = letters[0]
    last = _SOUNDEX_CODES.get(letters[0], "")
    for c in letters[1:]:
        code = _SOUNDEX_CODES.get(c)
        if code is None:
            if c not in "HW":
                last = ""
            continue
        if code != last:
            out += code
            if len(out) == 4:
                break
        last = code
    return out.ljust(4, "0")


def _ngrams(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(len(text) - size + 1)]


def _float32(value: float) -> float:
    """ArangoSearch computes similarities in single precision."""
    return float(struct.unpack("f", struct.pack("f", value))[0])


def _ngram_args(
    ctx: FunctionContext, name: str, a: Any, b: Any, n: Any
) -> tuple[str, str, int] | None:
    if not isinstance(a, str) or not isinstance(b, str) or not is_number(n) or n < 1:
        return ctx.invalid_argument(name)
    return a, b, int(n)


@aql_function("NGRAM_SIMILARITY", min_args=3, max_args=3)
def ngram_similarity(ctx: FunctionContext, value: Any, target: Any, size: Any) -> Any:
    """The longest common subsequence of fully matching n-grams, over the target's n-gram count."""
    args = _ngram_args(ctx, "NGRAM_SIMILARITY", value, target, size)
    if args is None:
        return None
    left, right = _ngrams(args[0], args[2]), _ngrams(args[1], args[2])
    if not right:
        return 1.0 if not left else 0.0
    previous = [0] * (len(right) + 1)
    for gram in left:
        current = [0]
        for j, other in enumerate(right, 1):
            current.append(
                previous[j - 1] + 1 if gram == other else max(previous[j], current[j - 1])
            )
        previous = current
    return _float32(previous[-1] / len(right))


@aql_function("NGRAM_POSITIONAL_SIMILARITY", min_args=3, max_args=3)
def ngram_positional_similarity(ctx: FunctionContext, value: Any, target: Any, size: Any) -> Any:
    """Like NGRAM_SIMILARITY, but n-grams match partially (by the share of equal
    characters at equal positions), over the larger n-gram count."""
    args = _ngram_args(ctx, "NGRAM_POSITIONAL_SIMILARITY", value, target, size)
    if args is None:
        return None
    n = args[2]
    left, right = _ngrams(args[0], n), _ngrams(args[1], n)
    if not left or not right:
        return 1.0 if not left and not right else 0.0
    previous = [0.0] * (len(right) + 1)
    for gram in left:
        current = [0.0]
        for j, other in enumerate(right, 1):
            same = sum(1 for x, y in zip(gram, other, strict=True) if x == y) / n
            current.append(max(previous[j], current[j - 1], previous[j - 1] + same))
        previous = current
    return _float32(previous[-1] / max(len(left), len(right)))


_IPV4 = re.compile(r"(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})")


def _ipv4_number(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    match = _IPV4.fullmatch(value)
    if match is None:
        return None
    parts = [int(p) for p in match.groups()]
    if any(p > 255 for p in parts):
        return None
    return (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]


@aql_function("IS_IPV4", min_args=1, max_args=1)
def is_ipv4(ctx: FunctionContext, value: Any) -> bool:
    return _ipv4_number(value) is not None


@aql_function("IPV4_TO_NUMBER", min_args=1, max_args=1)
def ipv4_to_number(ctx: FunctionContext, value: Any) -> Any:
    number = _ipv4_number(value)
    return ctx.invalid_argument("IPV4_TO_NUMBER") if number is None else number


@aql_function("IPV4_FROM_NUMBER", min_args=1, max_args=1)
def ipv4_from_number(ctx: FunctionContext, value: Any) -> Any:
    if not is_number(value) or value != int(value) or not 0 <= value <= 0xFFFFFFFF:
        return ctx.invalid_argument("IPV4_FROM_NUMBER")
    n = int(value)
    return f"{n >> 24}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


@aql_function("LEVENSHTEIN_MATCH", min_args=3, max_args=6)
def levenshtein_match(
    ctx: FunctionContext,
    value: Any,
    target: Any,
    distance: Any,
    transpositions: Any = True,
    max_terms: Any = 64,
    prefix: Any = "",
) -> Any:
    """Outside ``SEARCH``: whether ``prefix + target`` is within ``distance``
    edits of ``value`` (Damerau-Levenshtein when ``transpositions``)."""
    if not isinstance(value, str) or not isinstance(target, str) or not is_number(distance):
        return ctx.invalid_argument("LEVENSHTEIN_MATCH")
    limit = int(distance)
    if limit < 0 or limit > (4 if to_bool(transpositions) else 3):
        return ctx.invalid_argument("LEVENSHTEIN_MATCH")
    full = (prefix if isinstance(prefix, str) else "") + target
    return _edit_distance(value, full, to_bool(transpositions)) <= limit


def _edit_distance(s: str, t: str, transpositions: bool) -> int:
    rows = [list(range(len(t) + 1))]
    for i in range(1, len(s) + 1):
        row = [i] + [0] * len(t)
        for j in range(1, len(t) + 1):
            cost = s[i - 1] != t[j - 1]
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if transpositions and i > 1 and j > 1 and s[i - 1] == t[j - 2] and s[i - 2] == t[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]
