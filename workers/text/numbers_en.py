"""English number words (American style) on top of num2words."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from typing import Final

from num2words import num2words

from workers.text.rules_en import DECADE_WORDS, FRACTION_DENOMINATORS, PHONE_DIGITS

_BRITISH_AND: Final = re.compile(r"\band\s+|,")
YEAR_RANGE: Final = range(1010, 2100)
"""Four-digit numbers read as years ("nineteen ninety") rather than as counts."""

MAX_WORDED_DIGITS: Final = 15
"""Integers of up to this many digits are read as words ("nine hundred trillion …").
Longer ones are not amounts anyone says aloud (and num2words overflows past about 300
digits; Python will not convert more than 4,300): they are read digit by digit."""

MAX_SPELLED_DIGITS: Final = 30
"""Up to this many digits are read one by one, in groups of `DIGIT_GROUP`; a longer run
is read as "a number with N digits", so a short text never speaks long."""

NUMBER_CACHE_SIZE: Final = 4096
"""Number words are remembered: num2words is the slowest step of normalization, and
articles (and hostile inputs) repeat their numbers."""

DIGIT_GROUP: Final = 3
"""Digits read one by one are grouped in threes, with a short pause between groups."""


def _american(words: str) -> str:
    # num2words writes "one hundred and twenty-three, ..."; announcers in the US say
    # "one hundred twenty-three", and the commas would make Piper pause mid-number.
    return re.sub(r"\s+", " ", _BRITISH_AND.sub(" ", words)).strip()


def _plain_digits(number: int | str) -> tuple[str, str]:
    """The sign and the ASCII digits of an integer as written ("-1,234" → ("-", "1234"));
    digits of other scripts ("١٢") count as their values."""
    text = str(number).replace(",", "").strip().partition(".")[0]
    sign = "-" if text.startswith(("-", "−")) else ""
    digits = "".join(str(unicodedata.decimal(ch)) for ch in text if ch.isdecimal())
    return sign, digits or "0"


def long_number(digits: str) -> str:
    """A digit run too long to say as an amount: "one two three, four five six" up to
    `MAX_SPELLED_DIGITS` digits, else "a number with N digits"."""
    if len(digits) > MAX_SPELLED_DIGITS:
        return f"a number with {cardinal(len(digits))} digits"
    groups = [digits[i : i + DIGIT_GROUP] for i in range(0, len(digits), DIGIT_GROUP)]
    return ", ".join(_digit_names(group) for group in groups)


@lru_cache(maxsize=NUMBER_CACHE_SIZE)
def cardinal(number: int | str) -> str:
    """`1234` → "one thousand two hundred thirty-four"; very long numbers digit by digit."""
    sign, digits = _plain_digits(number)
    if len(digits) > MAX_WORDED_DIGITS:
        return ("minus " if sign else "") + long_number(digits)
    return _words(sign + digits, "cardinal")


@lru_cache(maxsize=NUMBER_CACHE_SIZE)
def ordinal(number: int | str) -> str:
    """`21` → "twenty-first"; very long numbers digit by digit, as for `cardinal`."""
    sign, digits = _plain_digits(number)
    if len(digits) > MAX_WORDED_DIGITS:
        return cardinal(number)
    return _words(sign + digits, "ordinal")


def decimal(number: str) -> str:
    """`"3.14"` → "three point one four"; `"1,234.5"` → "one thousand ... point five"."""
    text = number.replace(",", "")
    negative = text.startswith("-")
    whole, _, fraction = text.lstrip("-").partition(".")
    words = cardinal(whole) if whole else ""  # ".312" is said "point three one two"
    if len(fraction) > MAX_SPELLED_DIGITS:
        words += f" point and {cardinal(len(fraction))} more digits"
    elif fraction:
        words += " point " + digits(fraction)
    words = words.strip() or "zero"
    return f"minus {words}" if negative else words


def digits(text: str) -> str:
    """`"0958"` → "zero nine five eight"; past `MAX_SPELLED_DIGITS`, `long_number`."""
    if sum(ch in PHONE_DIGITS for ch in text) > MAX_SPELLED_DIGITS:
        return long_number("".join(ch for ch in text if ch in PHONE_DIGITS))
    return _digit_names(text)


def _digit_names(text: str) -> str:
    return " ".join(PHONE_DIGITS[d] for d in text if d in PHONE_DIGITS)


def year(number: int | str) -> str:
    """`1990` → "nineteen ninety"; `2005` → "two thousand five"; `1905` → "nineteen oh five"."""
    if len(_plain_digits(number)[1]) > MAX_WORDED_DIGITS:
        return cardinal(number)
    return _words(str(int(number)), "year").replace("oh-", "oh ")


@lru_cache(maxsize=NUMBER_CACHE_SIZE)
def _words(number: str, to: str) -> str:
    return _american(num2words(int(number), to=to))


def decade(number: int) -> str:
    """`1990` → "nineteen nineties"; `2000` → "two thousands"; `2010` → "twenty tens"."""
    century, rest = divmod(number, 100)
    if rest == 0 and century % 10 == 0:
        return f"{cardinal(century // 10)} thousands"
    if rest == 0:
        return f"{cardinal(century)} hundreds"
    return f"{cardinal(century)} {DECADE_WORDS[rest]}"


@lru_cache(maxsize=NUMBER_CACHE_SIZE)
def amount(number: str) -> str:
    """A number as written: integer with separators or a decimal."""
    return decimal(number) if "." in number else cardinal(number)


def is_one(number: str) -> bool:
    """True when the amount is exactly one (singular units)."""
    if len(number) > MAX_SPELLED_DIGITS:
        return False  # cheap: no long number is one, and Decimal need not parse it
    try:
        return Decimal(number.replace(",", "")) == 1
    except ArithmeticError:
        return False


def fraction(numerator: int, denominator: int) -> str:
    """`3/4` → "three quarters"; `1/2` → "one half"; `2/5` → "two fifths"."""
    plural = numerator != 1
    if denominator in FRACTION_DENOMINATORS:
        one, many = FRACTION_DENOMINATORS[denominator]
        noun = many if plural else one
    else:
        noun = ordinal(denominator) + ("s" if plural else "")
    return f"{cardinal(numerator)} {noun}"
