"""Every kind of address in English news: street, postal, telephone, web, e-mail and IP.

Each is read the way people say it: house numbers in pairs ("three fifty Fifth
Avenue"), ZIP and post codes and phone numbers digit by digit (never as a range or a
subtraction), web addresses part by part with "dot", "slash" and "at".
"""

from __future__ import annotations

import re
from typing import Final

from workers.text import numbers_en as num
from workers.text.rulebase import Rule, alternation, keep_final_period, word_before
from workers.text.rules_en import (
    AU_STATES,
    CAPITAL_WORDS,
    DIRECTIONS,
    STREET_SUFFIXES,
    URL_SYMBOLS,
    URL_WORDS,
    US_STATES,
)

_TLDS: Final = (
    "com|org|net|gov|edu|int|mil|io|co|uk|ua|de|fr|eu|info|news|ai|app|dev|ca|au|in|nz|ie"
    "|us|me|tv|ly|biz|xyz|jp|cn|ru|es|it|nl|ch|se|no|dk|fi|pl|za|sg|hk|br|mx|ac|gg|fm|to"
    "|pdf|docx?|xlsx?|pptx?|txt|csv|jpe?g|png|gif|mp3|mp4|zip|exe|html?|json|py|js"
)
"""Top-level domains, and the file extensions news copy names ("report.pdf")."""
_VOWELS: Final = frozenset("aeiouyAEIOUY")
_PHONE_WORDS: Final = (
    "call|Call|phone|Phone|tel|Tel|telephone|Telephone|ring|Ring|dial|Dial|fax|Fax|text"
    "|Text|hotline|helpline|Helpline|Hotline|mobile|Mobile|WhatsApp|number|on|at|line"
)
_TOLL_FREE: Final = frozenset({"800", "888", "877", "866", "855", "844", "833", "900"})
_EMERGENCY: Final = frozenset({"911", "999", "000", "112", "111", "101", "100", "108", "988"})


# ---------------------------------------------------------------- web and e-mail


def _say_address_part(part: str) -> str:
    if part in URL_WORDS:
        return URL_WORDS[part]
    if part.isascii() and part.isdigit():
        return num.cardinal(part) if len(part) < 5 else num.digits(part)
    if not _VOWELS.intersection(part):
        return " ".join(part.upper())  # "bbc" has no vowel to say: "B B C"
    return part.lower() if part.isupper() else part


def _say_address(match: re.Match[str]) -> str:
    text = match.group(0)
    trailing = ""
    while text and text[-1] in ".,;:!?)'\"":
        trailing = text[-1] + trailing
        text = text[:-1]
    text = re.sub(r"^(?i:https?|ftp)://", "", text).rstrip("/")
    pieces = re.split(r"([^\w]|_)", text)
    words = [
        URL_SYMBOLS.get(p, "") if len(p) == 1 and not p.isalnum() else _say_address_part(p)
        for p in pieces
        if p
    ]
    return " ".join(w for w in words if w) + trailing


def _dotted_numbers(match: re.Match[str]) -> str:
    """IP addresses and versions, dot by dot: "v2.10.1" → "version two dot ten dot one"."""
    dotted = match["dotted"] or match["ip"]
    parts = [num.cardinal(p) if len(p) <= 3 else num.digits(p) for p in dotted.split(".")]
    words = " dot ".join(parts)
    if not match["v"]:
        return words
    return f"{'Version' if match['v'].startswith('V') else 'version'} {words}"


# ---------------------------------------------------------------- telephone


def _digit_groups(text: str) -> str:
    groups = re.findall(r"\+?\d+", text)
    spoken = []
    for index, group in enumerate(groups):
        plus = "plus " if group.startswith("+") else ""
        digits = group.lstrip("+")
        # "1-800-…": toll-free prefixes after the country's 1 are said as hundreds.
        toll_free = index == 1 and groups[0] == "1" and digits in _TOLL_FREE
        spoken.append(plus + (num.cardinal(digits) if toll_free else num.digits(digits)))
    return ", ".join(spoken)


def _phone(match: re.Match[str]) -> str:
    return _digit_groups(match.group(0))


def _short_phone(match: re.Match[str]) -> str:
    """ "867-5309" is a local number; "200-1000" (a round end above the start) a range."""
    left, right = match["a"], match["b"]
    if int(right) % 50 == 0 and int(right) > int(left):
        return match.group(0)
    return _digit_groups(match.group(0))


def _called_number(match: re.Match[str]) -> str:
    number = match["number"]
    if re.fullmatch(r"(?:1\d|20)\d\d-(?:\d\d|(?:1\d|20)\d\d)", number):
        return match.group(0)  # "on 1939-45": years, not a phone number
    digits = re.sub(r"\D", "", number)
    if len(digits) < 6 and digits not in _EMERGENCY:
        return match.group(0)
    return match["lead"] + _digit_groups(number)


# ---------------------------------------------------------------- streets and post codes


def house_number(digits: str) -> str:
    """A house number as people say it: "221" → "two twenty-one", "1600" → "sixteen
    hundred", "350" → "three fifty", "12" → "twelve"."""
    if len(digits) <= 2 or digits.startswith("0"):
        return num.cardinal(digits)
    if len(digits) == 3:
        return f"{num.cardinal(digits[0])} {_pair(digits[1:])}"
    if len(digits) == 4:
        return (
            num.year(digits) if digits[2:] != "00" or digits[:2] != "10" else num.cardinal(digits)
        )
    return ", ".join(_pair(digits[i : i + 2]) for i in range(0, len(digits), 2))


def _pair(two: str) -> str:
    if two == "00":
        return "hundred"
    if two.startswith("0"):
        return f"oh {num.cardinal(two[1])}"
    return num.cardinal(two)


def _street_name(name: str) -> str:
    words = []
    for word in name.split():
        ordinal = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", word)
        words.append(num.ordinal(ordinal[1]).title() if ordinal else word)
    return " ".join(words)


def _street(match: re.Match[str]) -> str:
    parts = [house_number(match["house"])]
    if match["unit"]:
        parts.append(match["unit"].upper())
    if match["dir"]:
        parts.append(DIRECTIONS[match["dir"]])
    parts.append(_street_name(match["name"]))
    parts.append(STREET_SUFFIXES[match["suffix"]])
    if match["dir2"]:
        parts.append(DIRECTIONS[match["dir2"]])
    return keep_final_period(match, " ".join(parts))


def _state(match: re.Match[str]) -> str:
    before = word_before(match)
    state = match["state"]
    if not (match["zip"] or before[:1].isupper()):
        return match.group(0)
    words = US_STATES[state]
    if match["zip"]:
        words += " " + num.digits(match["zip"])
        if match["zip4"]:
            words += ", " + num.digits(match["zip4"])
    return keep_final_period(match, words) if state.endswith(".") else words


def _spell_code(code: str) -> str:
    return " ".join(num.cardinal(ch) if ch.isdigit() else ch for ch in code)


def _uk_postcode(match: re.Match[str]) -> str:
    return f"{_spell_code(match['out'])}, {_spell_code(match['in'])}"


def _numbered_place(match: re.Match[str]) -> str:
    return f"{match['place']} {num.digits(match['code'])}"


_WORDLIKE_STATES: Final = "(?:" + "|".join(sorted(CAPITAL_WORDS & US_STATES.keys())) + ")"
"""State codes that are also shouted words ("OR", "IN"): read as states only before a
ZIP code or punctuation, never before a lower-case word."""
_DIR: Final = alternation(DIRECTIONS)
_SUFFIXES: Final = alternation(STREET_SUFFIXES)
_NAME_WORD: Final = r"(?:[A-Z][a-z'’-]*|\d{1,3}(?:st|nd|rd|th))"

WEB_RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "email",
        re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
        _say_address,
    ),
    Rule(
        "social handle",
        re.compile(r"(?<![\w@.])@(?P<handle>[A-Za-z0-9_]{1,30})\b(?!\.\w)"),
        lambda m: "at " + m["handle"].replace("_", " underscore "),
    ),
    Rule(
        "url",
        re.compile(
            r"(?<![\w@])(?:(?i:https?|ftp)://\S+|(?i:www)\.\S+|localhost(?::\d{1,5})?(?:/\S*)?)"
            rf"|(?<![\w@.-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?i:{_TLDS})\b(?!\.\w)"
            r"(?::\d{1,5})?(?:/\S*)?"
        ),
        _say_address,
    ),
)
"""Web and e-mail addresses: read first, since their dots are not sentence dots."""

ADDRESS_RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "phone",
        re.compile(
            r"(?<![\w+])(?:\+\d{1,3}[\s.-]?|1[\s.-])?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}"
            r"(?![\w-]|\.\d)"
            r"|(?<![\w+])\+\d{1,3}\s?\(0\)\s?\d{1,5}(?:[\s.-]\d{1,5}){1,4}(?![\w.-]?\d)"
            r"|(?<![\w+])\+\d{1,3}(?:[\s.-]\(?\d{1,5}\)?){2,5}(?![\w.-]?\d)"
            r"|(?<![\w+(])\(?0\d{1,4}\)?[\s-]\d{3,4}[\s-]?\d{3,4}(?![\w-]|\.\d)"
        ),
        _phone,
    ),
    Rule(
        "ip address or version",
        re.compile(
            r"(?<![\w.])(?:(?P<v>[vV]|[Vv]ersion\s)(?P<dotted>\d+(?:\.\d+){1,3})"
            r"|(?P<ip>\d{1,3}(?:\.\d{1,3}){3}|\d+\.\d+\.\d+))(?![\w]|\.\d)"
        ),
        _dotted_numbers,
    ),
    Rule(
        "called number",
        re.compile(
            rf"(?P<lead>\b(?:{_PHONE_WORDS}):?\s)"
            r"(?P<number>\d{2,5}(?:[ -]\d{2,5}){0,3})(?![\w-]|[.,]\d)"
        ),
        _called_number,
    ),
    Rule(
        "short phone",
        re.compile(r"(?<![\w.,$£€-])(?P<a>\d{3})-(?P<b>\d{4})(?![\w-]|[.,]\d)"),
        _short_phone,
    ),
    Rule(
        "street address",
        re.compile(
            r"(?<![\w.,$£€/-])(?P<house>\d{1,5})(?P<unit>[A-Z])?\s+"
            rf"(?:(?P<dir>{_DIR})\.?\s+)?"
            rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}?)\s+(?P<suffix>{_SUFFIXES})\b\.?"
            rf"(?:\s+(?P<dir2>{_DIR})\b\.?)?"
        ),
        _street,
    ),
    Rule(
        "US state",
        re.compile(
            rf"(?<=, )(?P<state>{alternation(k for k in US_STATES if '.' in k)}"
            rf"|(?:{alternation(k for k in US_STATES if '.' not in k)})"
            rf"(?=\s+\d{{5}}|[.,;:)]|$|\s[a-z](?<!{_WORDLIKE_STATES}\s[a-z])))"
            r"(?:\s+(?P<zip>\d{5})(?:-(?P<zip4>\d{4}))?)?(?![\w-])"
        ),
        _state,
    ),
    Rule(
        "UK post code",
        re.compile(r"\b(?P<out>[A-Z]{1,2}\d[A-Z\d]?)\s(?P<in>\d[A-Z]{2})\b"),
        _uk_postcode,
    ),
    Rule(
        "post code after a place",
        re.compile(
            rf"(?P<place>\b(?:{alternation(AU_STATES)}|ZIP|Zip|zip|ZIP code|zip code|PIN"
            r"|PIN code|Pin|pincode|postcode|Postcode|[A-Z][a-z]+\s?-)(?::|\s+is)?)\s?"
            r"(?P<code>\d{4,6})\b(?![.,]\d)"
        ),
        _numbered_place,
    ),
)
"""Address rules, in order (after dates, so "14.03.2019" is a date): dotted numbers,
telephone numbers, streets, states and post codes."""
