"""English number words (American style) on top of num2words."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

from num2words import num2words

from workers.text.rules_en import DECADE_WORDS, FRACTION_DENOMINATORS, PHONE_DIGITS

_BRITISH_AND: Final = re.compile(r"\band\s+|,")
YEAR_RANGE: Final = range(1010, 2100)
"""Four-digit numbers read as years ("nineteen ninety") rather than as counts."""


def _american(words: str) -> str:
    # num2words writes "one hundred and twenty-three, ..."; announcers in the US say
    # "one hundred twenty-three", and the commas would make Piper pause mid-number.
    return re.sub(r"\s+", " ", _BRITISH_AND.sub(" ", words)).strip()


def cardinal(number: int | str) -> str:
    """`1234` → "one thousand two hundred thirty-four"."""
    return _american(num2words(int(str(number).replace(",", ""))))


def ordinal(number: int | str) -> str:
    """`21` → "twenty-first"."""
    return _american(num2words(int(str(number).replace(",", "")), to="ordinal"))


def decimal(number: str) -> str:
    """`"3.14"` → "three point one four"; `"1,234.5"` → "one thousand ... point five"."""
    text = number.replace(",", "")
    negative = text.startswith("-")
    whole, _, fraction = text.lstrip("-").partition(".")
    words = cardinal(whole or "0")
    if fraction:
        words += " point " + digits(fraction)
    return f"minus {words}" if negative else words


def digits(text: str) -> str:
    """`"0958"` → "zero nine five eight"."""
    return " ".join(PHONE_DIGITS[d] for d in text if d in PHONE_DIGITS)


def year(number: int | str) -> str:
    """`1990` → "nineteen ninety"; `2005` → "two thousand five"; `1905` → "nineteen oh five"."""
    return _american(num2words(int(number), to="year")).replace("oh-", "oh ")


def decade(number: int) -> str:
    """`1990` → "nineteen nineties"; `2000` → "two thousands"; `2010` → "twenty tens"."""
    century, rest = divmod(number, 100)
    if rest == 0 and century % 10 == 0:
        return f"{cardinal(century // 10)} thousands"
    if rest == 0:
        return f"{cardinal(century)} hundreds"
    return f"{cardinal(century)} {DECADE_WORDS[rest]}"


def amount(number: str) -> str:
    """A number as written: integer with separators or a decimal."""
    return decimal(number) if "." in number else cardinal(number)


def is_one(number: str) -> bool:
    """True when the amount is exactly one (singular units)."""
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
