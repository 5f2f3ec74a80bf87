"""Reading values back out of spoken English: the oracle of the round-trip properties.

Number words become digits through `text2num.alpha2digit`, an independent parser that
shares nothing with the normalizer; what it leaves (years said in pairs, months, clock
suffixes, fraction denominators, digit-by-digit phone numbers) is read here with a
handful of patterns over its output.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction
from typing import Final

from text_to_num import alpha2digit

# Written out here, not imported from `rules_en`: the oracle shares no table with the
# normalizer it checks.
MONTHS: Final = [
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
]

_DIGIT_WORDS: Final = {
    w: str(i)
    for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    )
}
_DENOMINATORS: Final = {"half": 2, "halves": 2, "quarter": 4, "quarters": 4}


def digits_of(spoken: str) -> str:
    """`spoken` with its number words as digits ("twenty-one" → "21")."""
    return alpha2digit(spoken, "en", threshold=0)


def _scaled(text: str) -> str:
    # alpha2digit writes "one point five billion" as "1.5 1000000000": multiply them out.
    def times(match: re.Match[str]) -> str:
        return str(Decimal(match[1]) * Decimal(match[2]))

    return re.sub(r"(\d+(?:\.\d+)?) (1000(?:000)*)\b", times, text)


def numbers_in(spoken: str) -> list[Decimal]:
    """Every amount said in `spoken`, in order ("minus" makes it negative)."""
    text = re.sub(r"\bpoint (\d+)", r".\1", _scaled(digits_of(spoken)))
    found = re.findall(r"(minus )?(\d+(?:\.\d+)?|\.\d+)", text)
    return [Decimal(("-" if minus else "") + number) for minus, number in found]


def one_number(spoken: str) -> Decimal:
    """The single amount in `spoken`; fails when there is not exactly one."""
    found = numbers_in(spoken)
    assert len(found) == 1, f"expected one number in {spoken!r}, read {found}"
    return found[0]


def year_of(words: str) -> int:
    """A year as said: "nineteen ninety", "two thousand five", "nineteen oh five",
    "twenty twenty-four", "eighteen hundred", "ten sixty-six"."""
    text = digits_of(words.replace("-", " ")).replace(" oh ", " 0")
    parts = text.split()
    if len(parts) == 2 and parts[1] == "hundred":
        return int(parts[0]) * 100
    if len(parts) == 1:
        return int(parts[0])
    assert len(parts) == 2, f"not a year: {words!r} ({text!r})"
    return int(parts[0]) * 100 + int(parts[1])


_ORDINAL_DAY: Final = r"(?P<day>\d{1,2})(?:st|nd|rd|th)"
_MONTH: Final = "(?P<month>" + "|".join(MONTHS) + ")"
_YEAR_WORDS: Final = r"(?P<year>[a-z' -]+?)"


def date_of(spoken: str) -> dt.date:
    """The one date in `spoken`: "March fourteenth, twenty nineteen" or "the fourteenth
    of March, twenty nineteen"."""
    text = digits_of(spoken)
    match = re.search(rf"{_MONTH} {_ORDINAL_DAY}, (?P<rest>.+)", text) or re.search(
        rf"{_ORDINAL_DAY} of {_MONTH}, (?P<rest>.+)", text
    )
    assert match, f"no date in {spoken!r} ({text!r})"
    # The year is read from the original words: alpha2digit splits "twenty nineteen".
    year_words = spoken[spoken.rindex(", ") + 2 :].rstrip(". ")
    return dt.date(year_of(year_words), MONTHS.index(match["month"]) + 1, int(match["day"]))


def clock_of(spoken: str) -> dt.time:
    """The time of day in `spoken`: "six forty-five p m", "eighteen forty-five",
    "six p m", "eighteen o'clock", "nine oh five a m"."""
    text = digits_of(spoken.replace(" zero ", " 0 ")).replace(" oh ", " 0")
    match = re.search(r"\b(\d{1,2})(?: (\d{1,2})| o'clock)?(?: ([ap]) m)?\b", text)
    assert match, f"no time in {spoken!r} ({text!r})"
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3] == "p" and hour != 12:
        hour += 12
    if match[3] == "a" and hour == 12:
        hour = 0
    return dt.time(hour, minute)


def ordinal_of(spoken: str) -> int:
    """The one ordinal in `spoken` ("the two millionth visitor" → 2000000)."""
    # text2num 3.1 lacks "sixtieth": say it as "sixty" and mark it ordinal by hand.
    marked = re.sub(r"\bsixtieth\b", "sixty ORDINAL", spoken)
    found = re.findall(r"(\d+)(?:st|nd|rd|th| ORDINAL)\b", digits_of(marked))
    assert len(found) == 1, f"expected one ordinal in {spoken!r}"
    return int(found[0])


def fraction_of(spoken: str) -> Fraction:
    """A fraction as said: "three quarters", "one half", "two and a half", "five
    sixteenths", "one and three eighths"."""
    words = spoken.replace("-", " ").split()
    if "and" in words:
        cut = words.index("and")
        whole, rest = int(digits_of(" ".join(words[:cut]))), words[cut + 1 :]
    else:
        whole, rest = 0, words
    *top_words, bottom_word = rest
    top = 1 if top_words in (["a"], ["an"]) else int(digits_of(" ".join(top_words)))
    if bottom_word in _DENOMINATORS:
        bottom = _DENOMINATORS[bottom_word]
    else:
        singular = bottom_word.removesuffix("s")
        found = re.search(r"(\d+)(?:st|nd|rd|th)\b", digits_of(f"the {singular}"))
        assert found, f"no denominator in {spoken!r}"
        bottom = int(found[1])
    return whole + Fraction(top, bottom)


def spelled_digits(spoken: str) -> str:
    """The digits said one by one in `spoken` ("five five five, one two" → "55512");
    a word that is a number but not one digit fails (a range, a sum, a count)."""
    out = []
    for word in re.findall(r"[a-z]+", spoken.lower()):
        if word in _DIGIT_WORDS:
            out.append(_DIGIT_WORDS[word])
        elif word not in ("plus",):
            assert not digits_of(word).isdigit(), f"{word!r} is not a single digit in {spoken!r}"
    return "".join(out)
