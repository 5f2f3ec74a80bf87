"""Round trips: a value → written the way publications write it → normalized → parsed
back from the spoken words by an independent parser (`spoken_values`, on top of
text2num) → the same value.

The written forms come from Babel's CLDR data for four English locales (US, UK, Indian
and Australian styles: digit grouping, currency symbols, date and time patterns), plus
the hand forms news copy uses that CLDR does not list ("$1.5 billion", "'90s", "3-1").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Final

from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from tests.workers.text import spoken_values as sv
from workers.text.dates_en import DateOrder
from workers.text.normalize import normalize_text

LOCALES: Final = ("en_US", "en_GB", "en_IN", "en_AU")
DAY_FIRST: Final = frozenset({"en_GB", "en_IN", "en_AU"})
"""Locales whose short numeric dates put the day first (the deployment's date order)."""

ROUND_TRIP: Final = settings(max_examples=60, deadline=None)

locales = st.sampled_from(LOCALES)


def say(text: str, order: DateOrder = DateOrder.MDY) -> str:
    return normalize_text(text, "en", date_order=order)


@ROUND_TRIP
@given(st.integers(0, 999_999_999_999), locales)
@example(1500, "en_US")
@example(100_000, "en_IN")
def test_cardinals(value: int, locale: str) -> None:
    written = format_decimal(value, locale=locale)
    spoken = say(f"Officials counted {written} ballots on Monday.")
    assert sv.one_number(spoken) == value, spoken


@ROUND_TRIP
@given(st.integers(1000, 2099))
def test_four_digit_counts_are_numbers(value: int) -> None:
    """ "1500 people" is a number, whatever it would be as a year."""
    spoken = say(f"Some {value} people came.")
    assert sv.one_number(spoken) == value, spoken


@ROUND_TRIP
@given(st.integers(1100, 2099), st.sampled_from(["in", "since", "by", "until"]))
@example(1500, "in")
@example(2005, "by")
def test_years(value: int, preposition: str) -> None:
    spoken = say(f"It began {preposition} {value}.")
    words = spoken.removeprefix(f"It began {preposition} ").rstrip(".")
    assert sv.year_of(words) == value, spoken


@ROUND_TRIP
@given(
    st.integers(1, 3).flatmap(lambda places: st.decimals(0, 10**9, places=places)),
    locales,
)
def test_decimals(value: Decimal, locale: str) -> None:
    written = format_decimal(value, format="#,##0.0##", locale=locale)
    spoken = say(f"The index stood at {written} on Friday.")
    assert sv.one_number(spoken) == Decimal(written.replace(",", "")), spoken


@ROUND_TRIP
@given(
    st.integers(0, 10**9),
    st.integers(0, 99),
    locales,
    st.sampled_from([("USD", "dollar"), ("GBP", "pound"), ("EUR", "euro"), ("INR", "rupee")]),
)
@example(3, 25, "en_US", ("USD", "dollar"))
@example(0, 5, "en_US", ("USD", "dollar"))
def test_money(whole: int, cents: int, locale: str, currency: tuple[str, str]) -> None:
    code, noun = currency
    value = Decimal(whole) + Decimal(cents) / 100
    written = format_currency(value, code, locale=locale)
    spoken = say(f"The bill came to {written} in total.")
    assert noun in spoken or "cent" in spoken or "pence" in spoken or "paise" in spoken
    amounts = sv.numbers_in(spoken)
    major = amounts[0] if whole else Decimal(0)
    minor = (amounts[-1] if cents else Decimal(0)) / 100
    assert major + minor == value, spoken


@ROUND_TRIP
@given(
    st.integers(1, 999),
    st.sampled_from(["", ".5", ".25"]),
    st.sampled_from([("$", "billion"), ("£", "bn"), ("€", "m"), ("$", "Million"), ("$", "k")]),
)
@example(1, ".5", ("$", "Billion"))
def test_scaled_money(whole: int, fraction: str, style: tuple[str, str]) -> None:
    symbol, scale = style
    factor = {"billion": 10**9, "bn": 10**9, "m": 10**6, "million": 10**6, "k": 10**3}
    spoken = say(f"Officials approved a {symbol}{whole}{fraction} {scale} flood barrier.")
    if scale in ("bn", "m", "k"):
        spoken = say(f"Officials approved a {symbol}{whole}{fraction}{scale} flood barrier.")
    assert sv.one_number(spoken) == Decimal(f"{whole}{fraction}") * factor[scale.lower()]
    assert " dollar flood" in spoken or " pound flood" in spoken or " euro flood" in spoken


dates = st.dates(dt.date(1100, 1, 1), dt.date(2099, 12, 31))


@ROUND_TRIP
@given(dates, locales, st.sampled_from(["long", "medium", "full"]))
@example(dt.date(2019, 3, 14), "en_GB", "medium")
def test_dates_in_locale_formats(value: dt.date, locale: str, style: str) -> None:
    written = format_date(value, style, locale=locale)
    spoken = say(f"The ruling came on {written}.")
    assert sv.date_of(spoken) == value, (written, spoken)


@ROUND_TRIP
@given(st.dates(dt.date(1950, 1, 1), dt.date(2049, 12, 31)), locales)
def test_short_numeric_dates_in_the_locale_order(value: dt.date, locale: str) -> None:
    written = format_date(value, "short", locale=locale)
    order = DateOrder.DMY if locale in DAY_FIRST else DateOrder.MDY
    spoken = say(f"The ruling came on {written}.", order)
    assert sv.date_of(spoken) == value, (written, spoken)


@ROUND_TRIP
@given(dates, st.sampled_from(["%Y-%m-%d", "%B %d %Y", "%d %b. %Y", "%b. %d, %Y", "%d.%m.%Y"]))
@example(dt.date(2019, 3, 14), "%B %d %Y")
def test_dates_in_hand_forms(value: dt.date, pattern: str) -> None:
    written = value.strftime(pattern).replace("May.", "May")
    order = DateOrder.DMY if pattern.startswith("%d") else DateOrder.MDY
    spoken = say(f"The ruling came on {written}.", order)
    assert sv.date_of(spoken) == value, (written, spoken)


@ROUND_TRIP
@given(st.times(), locales)
def test_clock_times(value: dt.time, locale: str) -> None:
    written = format_time(value, "short", locale=locale)
    spoken = say(f"The polls closed at {written} on Tuesday.")
    assert sv.clock_of(spoken) == value.replace(second=0, microsecond=0), (written, spoken)


@ROUND_TRIP
@given(st.times(), st.sampled_from(["%I:%M %p", "%I:%M%p", "%I:%M %p", "%H:%M"]))
def test_clock_times_in_hand_forms(value: dt.time, pattern: str) -> None:
    written = value.strftime(pattern)
    written = written.removeprefix("0") if "%p" in pattern else written
    written = written.replace("AM", "a.m.").replace("PM", "p.m") if "%p" in pattern else written
    spoken = say(f"The polls closed at {written} on Tuesday.")
    assert sv.clock_of(spoken) == value.replace(second=0, microsecond=0), (written, spoken)


@ROUND_TRIP
@given(st.integers(1, 10**9), st.sampled_from(["", "thousand", "million"]))
@example(2, "million")
@example(360, "")
def test_ordinals(value: int, scale: str) -> None:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(value % 10 if value % 100 not in (11, 12, 13) else 0)
    written = f"{value}{suffix or 'th'}"
    if scale:  # "2 millionth": a count of millions, said as one word
        value = value % 999 + 1
        written = f"{value} {scale}th"
    spoken = say(f"The park welcomed its {written} visitor.")
    expected = value * {"": 1, "thousand": 10**3, "million": 10**6}[scale]
    assert sv.ordinal_of(spoken) == expected, (written, spoken)


@ROUND_TRIP
@given(
    st.one_of(
        st.builds(lambda a, b, c: f"({a}) {b}-{c}", *[st.from_regex(r"\A[2-9][0-9][0-9]\Z")] * 2,
                  st.from_regex(r"\A[0-9]{4}\Z")),
        st.builds(lambda a, b: f"{a}-{b}", st.from_regex(r"\A[2-9][0-9][0-9]\Z"),
                  st.from_regex(r"\A[0-9]{3}[1-9]\Z")),
        st.builds(lambda a, b: f"+44 20 {a} {b}", st.from_regex(r"\A[0-9]{4}\Z"),
                  st.from_regex(r"\A[0-9]{4}\Z")),
        st.builds(lambda a, b, c: f"+1 {a} {b} {c}", st.from_regex(r"\A[2-9][0-9][0-9]\Z"),
                  st.from_regex(r"\A[2-9][0-9][0-9]\Z"), st.from_regex(r"\A[0-9]{4}\Z")),
    )
)  # fmt: skip
@example("867-5309")
@example("(212) 555-3412")
def test_phone_numbers_are_read_digit_by_digit(written: str) -> None:
    spoken = say(f"For tips, call {written} today.")
    assert " to " not in spoken and "minus" not in spoken, spoken
    assert sv.spelled_digits(spoken) == "".join(ch for ch in written if ch.isdigit()), spoken


@ROUND_TRIP
@given(st.integers(1, 19), st.integers(2, 16))
@example(2, 3)
@example(3, 4)
def test_fractions(top: int, bottom: int) -> None:
    assume(f"{top}/{bottom}" != "9/11")  # said "nine eleven": the day, not a fraction
    spoken = say(f"About {top}/{bottom} of voters agreed.")
    words = spoken.removeprefix("About ").removesuffix(" of voters agreed.")
    assert sv.fraction_of(words) == Fraction(top, bottom), spoken


@ROUND_TRIP
@given(st.integers(1, 20), st.integers(1, 7), st.sampled_from([2, 4, 8]))
def test_mixed_numbers(whole: int, top: int, bottom: int) -> None:
    spoken = say(f"It took {whole} {top % bottom or 1}/{bottom} hours.")
    words = spoken.removeprefix("It took ").removesuffix(" hours.")
    assert sv.fraction_of(words) == whole + Fraction(top % bottom or 1, bottom), spoken


@ROUND_TRIP
@given(st.integers(0, 999), st.integers(0, 999), st.sampled_from(["–", "-", " to "]))
def test_ranges(low: int, high: int, dash: str) -> None:
    spoken = say(f"Expect {low}{dash}{high} centimeters of snow.")
    assert sv.numbers_in(spoken) == [low, high], spoken
    assert " to " in spoken, spoken


@ROUND_TRIP
@given(st.integers(1, 255), st.integers(0, 255), st.integers(0, 255), st.integers(0, 255))
def test_ip_addresses(a: int, b: int, c: int, d: int) -> None:
    spoken = say(f"The server at {a}.{b}.{c}.{d} went down.")
    parts = spoken.removeprefix("The server at ").removesuffix(" went down.").split(" dot ")
    assert [sv.one_number(p) for p in parts] == [a, b, c, d], spoken
