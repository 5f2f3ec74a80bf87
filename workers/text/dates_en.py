"""English dates and times as announcers say them: every common written order and style.

Numeric dates whose order the numbers do not settle ("03/04/2019") are read in the
`DateOrder` the deployment chose (`NARRATE_DATE_ORDER`); a day above 12 settles it.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

from workers.text import numbers_en as num
from workers.text.rulebase import Rule, alternation, keep_final_period, word_before
from workers.text.rules_en import (
    DURATION_UNITS,
    MONTH_ABBREVIATIONS,
    MONTHS,
    SLASH_EXPRESSIONS,
    TIME_SUFFIXES,
    TIME_WORDS,
)


class DateOrder(StrEnum):
    """How an ambiguous all-numeric date ("03/04/2019") is read."""

    MDY = "mdy"
    """Month first: US style (the default: most English-language news online is American)."""
    DMY = "dmy"
    """Day first: UK, Indian, Australian and most other English styles."""


DEFAULT_DATE_ORDER: Final = DateOrder.MDY

_UNDOTTED_MONTHS: Final = {k.rstrip("."): v for k, v in MONTH_ABBREVIATIONS.items()}
_MONTH_NAMES: Final = {**{m: m for m in MONTHS}, **MONTH_ABBREVIATIONS, **_UNDOTTED_MONTHS}
MONTH: Final = f"(?:{alternation(_MONTH_NAMES)})"
"""A month as written: full, abbreviated with a dot, or abbreviated without one (which
only counts as a month next to a day or year)."""

_DAY: Final = r"(?:3[01]|[12]\d|0?[1-9])"
_ORD: Final = r"(?:st|nd|rd|th)?"
_YEAR_AFTER: Final = r"(?:,?\s+(?P<year>\d{4})(?![\d:]))?"
_RANGE_JOIN: Final = r"(?:\s?[-–]\s?|\s+(?:to|through|until|and|-|–)\s+)"

_SUFFIX_FORMS: Final = {
    "a.m.": "a m", "a.m": "a m", "a. m.": "a m", "am": "a m", "AM": "a m", "A.M.": "a m",
    "A.M": "a m", "Am": "a m", "p.m.": "p m", "p.m": "p m", "p. m.": "p m", "pm": "p m",
    "PM": "p m", "P.M.": "p m", "P.M": "p m", "Pm": "p m", **TIME_SUFFIXES,
}  # fmt: skip
_SUFFIX: Final = f"(?:{alternation([*_SUFFIX_FORMS, *TIME_WORDS])})"


def month_name(written: str) -> str:
    """The full name of a month as written ("Sept." → "September")."""
    return _MONTH_NAMES[written]


def _day_of_month(day: str, the: bool = True) -> str:
    return f"the {num.ordinal(day)}" if the else num.ordinal(day)


def _with_year(words: str, year: str | None) -> str:
    return f"{words}, {num.year(year)}" if year else words


def say_month_day(month: str, day: str, year: str | None = None) -> str:
    """ "March 14, 2019" → "March fourteenth, twenty nineteen"."""
    return _with_year(f"{month} {num.ordinal(day)}", year)


def say_day_month(month: str, day: str, year: str | None = None, the: bool = True) -> str:
    """ "14 March 2019" → "the fourteenth of March, twenty nineteen"."""
    return _with_year(f"{_day_of_month(day, the)} of {month}", year)


def _month_day(match: re.Match[str]) -> str:
    return say_month_day(month_name(match["month"]), match["day"], match["year"])


def _day_month(match: re.Match[str]) -> str:
    the = word_before(match).lower() != "the"
    words = say_day_month(month_name(match["month"]), match["day"], match["year"], the)
    return keep_final_period(match, words)  # "The offer ends 31 Dec."


def _month_year(match: re.Match[str]) -> str:
    return f"{month_name(match['month'])} {num.year(match['year'])}"


def _month_day_range(match: re.Match[str]) -> str:
    month = month_name(match["month"])
    second = num.ordinal(match["day2"])
    if match["month2"]:
        second = f"{month_name(match['month2'])} {second}"
    return _with_year(f"{month} {num.ordinal(match['day'])} to {second}", match["year"])


def _day_month_range(match: re.Match[str]) -> str:
    month = month_name(match["month"])
    the = word_before(match).lower() != "the"
    words = f"{_day_of_month(match['day'], the)} to the {num.ordinal(match['day2'])} of {month}"
    return keep_final_period(match, _with_year(words, match["year"]))


def _full_year(written: str) -> str:
    if len(written) == 4:
        return written
    # Two-digit years: "3/14/19" is 2019, "6/13/90" is 1990.
    return f"20{written}" if int(written) < 50 else f"19{written}"


def numeric_date(first: int, second: int, year: str | None, order: DateOrder) -> str | None:
    """The spoken date for "first/second/year", or None when no order makes it a date."""
    day_first = first > 12 or (second <= 12 and order is DateOrder.DMY)
    day, month = (first, second) if day_first else (second, first)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if day_first:
        return say_day_month(MONTHS[month - 1], str(day), year)
    return say_month_day(MONTHS[month - 1], str(day), year)


def _numeric_date_rule(order: DateOrder) -> Rule:
    def replace(match: re.Match[str]) -> str:
        if match["sep"] == "." and len(match["year"]) != 4:
            return match.group(0)  # "1.5.19" is a version, not a date
        year = _full_year(match["year"])
        words = numeric_date(int(match["a"]), int(match["b"]), year, order)
        return words if words is not None else match.group(0)

    return Rule(
        f"numeric date ({order.value})",
        re.compile(
            r"(?<![\d/.:-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)"
            r"(?P<year>\d{4}|\d{2})(?![\d/:-]|\.\d)"
        ),
        replace,
    )


def _iso_date(match: re.Match[str]) -> str:
    month, day = int(match["month"]), int(match["day"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return match.group(0)
    return say_month_day(MONTHS[month - 1], str(day), match["year"])


_TWO_DIGIT_YEAR_CONTEXT: Final = frozenset(
    {"of", "in", "since", "from", "the", "class", "Class", "summer", "winter", "spring", "fall"}
    | {"and", "to", "until", "by", "autumn", "late", "early", "mid", "In", "Since", "By"}
)


_SHORT_DATE_CONTEXT: Final = frozenset(
    {"on", "On", "since", "Since", "until", "Until", "by", "from", "From", "through", "before"}
    | {"after", "After", "till", "ending", "starting", "dated", "Monday", "Tuesday", "Wednesday"}
    | {"Thursday", "Friday", "Saturday", "Sunday"}
)
"""Words before "3/14" that make it a day of a month rather than a fraction."""


def _short_date_rule(order: DateOrder) -> Rule:
    def replace(match: re.Match[str]) -> str:
        if word_before(match) not in _SHORT_DATE_CONTEXT or match.group(0) in SLASH_EXPRESSIONS:
            return match.group(0)
        words = numeric_date(int(match["a"]), int(match["b"]), None, order)
        return words if words is not None else match.group(0)

    return Rule(
        f"short date ({order.value})",
        re.compile(r"(?<![\w/.,])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?![\w/]|[.,]\d)"),
        replace,
    )


_DAY_NAMES: Final = {
    "Mon": "Monday", "Tue": "Tuesday", "Tues": "Tuesday", "Wed": "Wednesday",
    "Thu": "Thursday", "Thur": "Thursday", "Thurs": "Thursday", "Fri": "Friday",
    "Sat": "Saturday", "Sun": "Sunday",
}  # fmt: skip
_NAMED_SPANS: Final = {**_DAY_NAMES, **_UNDOTTED_MONTHS, **{m: m for m in MONTHS}}
_NAMED: Final = f"(?:{alternation(_NAMED_SPANS)})"


def _named_span(match: re.Match[str]) -> str:
    """ "Mon-Fri" → "Monday to Friday"; "Jan-Mar" → "January to March"."""
    first, second = match["first"], match["second"]
    if (first in _DAY_NAMES) != (second in _DAY_NAMES):
        return match.group(0)
    return f"{_NAMED_SPANS[first]} to {_NAMED_SPANS[second]}"


def _season(match: re.Match[str]) -> str:
    """ "2019/20" (a season or financial year) → "twenty nineteen to twenty"."""
    first, second = match["a"], match["b"]
    if (int(first) + 1) % 100 != int(second) % 100:
        return match.group(0)
    said = num.year(second) if len(second) == 4 else num.cardinal(second)
    glued = match.start() and match.string[match.start() - 1].isalpha()  # "FY2023/24"
    return f"{' ' if glued else ''}{num.year(first)} to {said}"


def _two_digit_year(match: re.Match[str]) -> str:
    """ "the class of '19" → "nineteen"; "'05" → "oh five"."""
    if word_before(match) not in _TWO_DIGIT_YEAR_CONTEXT:
        return match.group(0)
    digits = match["yy"]
    return f"oh {num.cardinal(digits[1])}" if digits[0] == "0" else num.cardinal(digits)


# ---------------------------------------------------------------- times


def say_clock(hours: str, minutes: str | None, suffix: str | None) -> str:
    """ "9", "30", "a.m." → "nine thirty a m"; "18", "00" → "eighteen hundred"-free
    "eighteen o'clock"; "12", None, "noon" → "twelve noon"."""
    h = int(hours)
    if minutes is None or (minutes == "00" and suffix):
        words = num.cardinal(h)
    elif minutes == "00":
        words = num.cardinal(h) + " o'clock"
    elif minutes.startswith("0"):
        words = f"{num.cardinal(h)} oh {num.cardinal(minutes)}"
    else:
        words = f"{num.cardinal(h)} {num.cardinal(minutes)}"
    if suffix:
        words += " " + _SUFFIX_FORMS.get(suffix, TIME_WORDS.get(suffix, suffix))
    return words


def _clock(match: re.Match[str]) -> str:
    words = say_clock(match["h"], match["m"], match["suffix"])
    return keep_final_period(match, words) if match["suffix"] else words


def _clock_range(match: re.Match[str]) -> str:
    first = say_clock(match["h"], match["m"], match["suffix1"])
    second = say_clock(match["h2"], match["m2"], match["suffix"])
    return keep_final_period(match, f"{first} to {second}")


def _duration(match: re.Match[str]) -> str:
    values = [match["h"], match["m"], match["s"]]
    parts = [
        f"{num.cardinal(v)} {one if int(v) == 1 else many}"
        for v, (one, many) in zip(values, DURATION_UNITS, strict=True)
        if int(v)
    ]
    if match["frac"]:
        parts[-1:] = [f"{num.decimal(match['s'] + '.' + match['frac'])} seconds"]
    if not parts:
        return "zero seconds"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _ratio_or_time(match: re.Match[str]) -> str:
    left, right = match["h"], match["m"]
    if len(right) == 2 and int(left) <= 24 and int(right) < 60:
        return say_clock(left, right, None)
    return f"{num.cardinal(left)} to {num.cardinal(right)}"


_CLOCK: Final = r"(?P<h>[01]?\d|2[0-4])(?:[:.](?P<m>[0-5]\d))?"
_CLOCK2: Final = r"(?P<h2>[01]?\d|2[0-4])(?:[:.](?P<m2>[0-5]\d))?"


def date_rules(order: DateOrder) -> tuple[Rule, ...]:
    """The date rules, in order, for one reading of ambiguous numeric dates."""
    return (
        Rule(
            "iso date",
            re.compile(
                r"(?<![\d/.-])(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)"
                r"(?P<day>\d{1,2})(?![\d/-]|\.\d)"
            ),
            _iso_date,
        ),
        _numeric_date_rule(order),
        _short_date_rule(order),
        Rule(
            "season",
            re.compile(r"(?<![\d/.])(?P<a>(?:1[89]|20)\d\d)/(?P<b>\d\d|(?:1[89]|20)\d\d)(?![\w/])"),
            _season,
        ),
        Rule(
            "day or month span",
            re.compile(rf"\b(?P<first>{_NAMED})\.?\s?[-–]\s?(?P<second>{_NAMED})\b\.?"),
            _named_span,
        ),
        Rule(
            "month day range",
            re.compile(
                rf"(?<![\w.])(?P<month>{MONTH})\s+(?P<day>{_DAY}){_ORD}{_RANGE_JOIN}"
                rf"(?:(?P<month2>{MONTH})\s+)?(?P<day2>{_DAY}){_ORD}(?![\d:.,]\d|\w){_YEAR_AFTER}"
            ),
            _month_day_range,
        ),
        Rule(
            "day month range",
            re.compile(
                rf"(?<![\w.,])(?P<day>{_DAY}){_ORD}{_RANGE_JOIN}(?:the\s+)?(?P<day2>{_DAY}){_ORD}"
                rf"\s+(?:of\s+)?(?P<month>{MONTH})(?![\w]){_YEAR_AFTER}"
            ),
            _day_month_range,
        ),
        Rule(
            "month day",
            re.compile(
                rf"(?<![\w.])(?P<month>{MONTH})\s+(?:the\s+)?(?P<day>{_DAY}){_ORD}"
                rf"(?![\d:.,]\d|\w|\s?%){_YEAR_AFTER}"
            ),
            _month_day,
        ),
        Rule(
            "day month",
            re.compile(
                rf"(?<![\w.,$£€])(?P<day>{_DAY}){_ORD}\s+(?:of\s+)?(?P<month>{MONTH})"
                rf"(?![\w]){_YEAR_AFTER}"
            ),
            _day_month,
        ),
        Rule(
            "month year",
            re.compile(rf"(?<![\w.])(?P<month>{MONTH}),?\s+(?P<year>\d{{4}})\b"),
            _month_year,
        ),
        Rule(
            "two-digit year",
            re.compile(r"(?<![\w'’])['’](?P<yy>\d\d)\b(?!['’]?s\b)"),
            _two_digit_year,
        ),
    )


def _military(match: re.Match[str]) -> str:
    """ "0800 GMT" → "oh eight hundred G M T"; "1530 hrs" → "fifteen thirty hours"."""
    hours, minutes = match["h"], match["m"]
    said = f"oh {num.cardinal(hours[1])}" if hours.startswith("0") else num.cardinal(hours)
    return f"{said} {'hundred' if minutes == '00' else say_minutes(minutes)} {match['zone']}"


def say_minutes(minutes: str) -> str:
    """ "05" → "oh five"; "30" → "thirty"."""
    return f"oh {num.cardinal(minutes[1])}" if minutes.startswith("0") else num.cardinal(minutes)


def _hours_minutes(match: re.Match[str]) -> str:
    """ "1h 30m" → "one hour thirty minutes"."""
    parts = []
    for value, (one, many) in zip((match["h"], match["m"]), DURATION_UNITS, strict=False):
        if value:
            parts.append(f"{num.cardinal(value)} {one if int(value) == 1 else many}")
    return " ".join(parts)


TIME_RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "military time",
        re.compile(
            r"(?<![\w.,:])(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)\s?"
            r"(?P<zone>hrs|hours|GMT|UTC|BST|CET|EST|EDT|PST|PDT|IST|AEST|AEDT|Zulu|Z)(?!\w)"
        ),
        _military,
    ),
    Rule(
        "hours and minutes",
        re.compile(r"(?<![\w.,])(?P<h>\d{1,2})\s?h\s?(?P<m>[0-5]?\d)\s?(?:m|min|mins)(?!\w)"),
        _hours_minutes,
    ),
    Rule(
        "duration",
        re.compile(
            r"(?<![\d:.])(?P<h>\d{1,2}):(?P<m>[0-5]\d):(?P<s>[0-5]\d)(?:\.(?P<frac>\d{1,3}))?"
            r"(?![\d:])"
        ),
        _duration,
    ),
    Rule(
        "clock range",
        re.compile(
            rf"(?<![\d:.$£€]){_CLOCK}\s?(?:(?P<suffix1>{_SUFFIX})\s?)?(?:[-–]|\s(?:to|until)\s)\s?"
            rf"{_CLOCK2}\s?(?P<suffix>{_SUFFIX})(?![\w])"
        ),
        _clock_range,
    ),
    Rule(
        "clock time",
        re.compile(rf"(?<![\d:.$£€]){_CLOCK}\s?(?P<suffix>{_SUFFIX})(?![\w])"),
        _clock,
    ),
    Rule(
        "time or ratio",
        re.compile(r"(?<![\d:.])(?P<h>\d{1,3}):(?P<m>\d{1,2})(?![\d:])(?P<suffix>)"),
        _ratio_or_time,
    ),
)
"""Time rules, in order: durations, spans of clock times, clock times, bare "18:45"."""
