"""English normalization rules: one sentence as written → the words an announcer says.

Each rule is a row of `RULES`: a name, a pattern (mostly built from the tables in
`rules_en`) and a function from the match to words. Rules run in table order over the
whole sentence, so a later rule sees the words an earlier one wrote: web addresses
first (their dots are not sentence dots), then dates, times, money, units, ranges and
plain numbers, then names and acronyms, and finally symbols and punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Final, NamedTuple

from workers.text import numbers_en as num
from workers.text.rules_en import (
    ABBREVIATIONS,
    ACRONYM_SPOKEN,
    ACRONYM_WORDS,
    CURRENCY_CODES,
    CURRENCY_SYMBOLS,
    MAGNITUDES,
    MINOR_UNIT_SUFFIXES,
    MONTH_ABBREVIATIONS,
    MONTHS,
    NUMBER_ABBREVIATIONS,
    ROMAN_CARDINAL_CONTEXT,
    SAINT_OR_STREET,
    SLASH_EXPRESSIONS,
    SYMBOLS,
    TIME_SUFFIXES,
    UNICODE_FRACTIONS,
    UNITS,
    URL_SYMBOLS,
    URL_WORDS,
    Currency,
)

Replace = Callable[[re.Match[str]], str]


class Rule(NamedTuple):
    """One normalization rule: every match of `pattern` is replaced by `replace(match)`."""

    name: str
    pattern: re.Pattern[str]
    replace: Replace


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so "km/h" wins over "km"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _keep_final_period(match: re.Match[str], words: str) -> str:
    # "He works at Acme Inc." — the abbreviation's dot also ends the sentence.
    if match.group(0).endswith(".") and match.end() == len(match.string):
        return words + "."
    return words


NUMBER: Final = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUM: Final = f"(?:{NUMBER})"
_MONTH: Final = f"(?:{_alternation(MONTHS)}|{_alternation(MONTH_ABBREVIATIONS)})"
_TLDS: Final = "com|org|net|gov|edu|int|mil|io|co|uk|ua|de|fr|eu|info|news|ai|app|dev|ca|au"
_VOWELS: Final = frozenset("aeiouyAEIOUY")


# ---------------------------------------------------------------- web addresses


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
    text = re.sub(r"^https?://", "", text).rstrip("/")
    pieces = re.split(r"([^\w]|_)", text)
    words = [
        URL_SYMBOLS.get(p, "") if len(p) == 1 and not p.isalnum() else _say_address_part(p)
        for p in pieces
        if p
    ]
    return " ".join(w for w in words if w) + trailing


# ---------------------------------------------------------------- dates and times


def _month(name: str) -> str:
    return MONTH_ABBREVIATIONS.get(name, name)


def _month_day(match: re.Match[str]) -> str:
    words = f"{_month(match['month'])} {num.ordinal(match['day'])}"
    return f"{words}, {num.year(match['year'])}" if match["year"] else words


def _day_month(match: re.Match[str]) -> str:
    words = f"the {num.ordinal(match['day'])} of {_month(match['month'])}"
    return f"{words}, {num.year(match['year'])}" if match["year"] else words


def _month_year(match: re.Match[str]) -> str:
    return f"{_month(match['month'])} {num.year(match['year'])}"


def _numeric_date(match: re.Match[str]) -> str:
    month, day = int(match["month"]), int(match["day"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return match.group(0)
    return f"{MONTHS[month - 1]} {num.ordinal(day)}, {num.year(match['year'])}"


def _clock(match: re.Match[str]) -> str:
    hours, minutes, suffix = int(match["h"]), match["m"], match["suffix"]
    if minutes is None:
        words = num.cardinal(hours)
    elif minutes == "00":
        words = num.cardinal(hours) + ("" if suffix else " o'clock")
    elif minutes.startswith("0"):
        words = f"{num.cardinal(hours)} oh {num.cardinal(minutes)}"
    else:
        words = f"{num.cardinal(hours)} {num.cardinal(minutes)}"
    if suffix:
        words = _keep_final_period(match, f"{words} {TIME_SUFFIXES[suffix]}")
    return words


def _ratio_or_time(match: re.Match[str]) -> str:
    left, right = match["h"], match["m"]
    if len(right) == 2 and int(left) <= 24 and int(right) < 60:
        return _clock(match)
    return f"{num.cardinal(left)} to {num.cardinal(right)}"


# ---------------------------------------------------------------- money, percentages, units


def _currency_of(symbol: str) -> Currency:
    return CURRENCY_SYMBOLS.get(symbol) or CURRENCY_CODES[symbol]


def _money(match: re.Match[str]) -> str:
    currency, amount, magnitude = _currency_of(match["sym"]), match["num"], match["mag"]
    sign = "minus " if match["neg"] else ""
    if magnitude:
        return f"{sign}{num.amount(amount)} {MAGNITUDES[magnitude]} {currency.many}"
    whole, _, cents = amount.replace(",", "").partition(".")
    if len(cents) != 2:
        unit = currency.one if num.is_one(amount) else currency.many
        return f"{sign}{num.amount(amount)} {unit}"
    minor = f"{num.cardinal(cents)} {currency.minor_one if cents == '01' else currency.minor_many}"
    whole = whole.lstrip("0")  # compared as text: the whole part may be any length
    if not whole:
        return sign + minor
    major = f"{num.cardinal(whole)} {currency.one if whole == '1' else currency.many}"
    return f"{sign}{major} and {minor}" if int(cents) else sign + major


def _minor_money(match: re.Match[str]) -> str:
    one, many = MINOR_UNIT_SUFFIXES[match["sym"]]
    return f"{num.cardinal(match['num'])} {one if match['num'] == '1' else many}"


def _signed(number: str) -> str:
    return num.amount(number.replace("−", "-"))


def _span(match: re.Match[str]) -> str:
    first = _signed(match["num"])
    return f"{first} to {_signed(match['num2'])}" if match["num2"] else first


def _percent(match: re.Match[str]) -> str:
    return f"{_span(match)} percent"


def _unit(match: re.Match[str]) -> str:
    one, many = UNITS[match["unit"]]
    single = not match["num2"] and num.is_one(match["num"].replace("−", "-"))
    return f"{_span(match)} {one if single else many}"


# ---------------------------------------------------------------- fractions, ranges, numbers


def _fraction(match: re.Match[str]) -> str:
    top, bottom = int(match["top"]), int(match["bottom"])
    if bottom in (0, 1) or top > 99:
        return f"{num.cardinal(top)} out of {num.cardinal(bottom)}"
    words = num.fraction(top, bottom)
    if match["whole"]:
        one = words.removeprefix("one ")
        article = "an" if one[0] in "aeiou" else "a"
        if top == 1:
            words = f"{article} {one}"
        return f"{num.cardinal(match['whole'])} and {words}"
    return words


def _is_year(text: str) -> bool:
    return len(text) == 4 and text.isdigit() and int(text) in num.YEAR_RANGE


def _range(match: re.Match[str]) -> str:
    left, right = match["num"], match["num2"]
    if _is_year(left) and (_is_year(right) or (len(right) == 2 and right.isdigit())):
        right_words = num.year(right) if len(right) == 4 else num.cardinal(right)
        return f"{num.year(left)} to {right_words}"
    return f"{num.amount(left)} to {num.amount(right)}"


def _decade(match: re.Match[str]) -> str:
    digits = match["digits"]
    if len(digits) == 4:
        return num.decade(int(digits))
    return num.decade(1900 + int(digits)).split(" ", 1)[1]


def _number(match: re.Match[str]) -> str:
    text, start, end = match.group(0), match.start(), match.end()
    if _is_year(text):
        words = num.year(text)
    else:
        words = ("minus " if text[0] in "-−" else "") + num.amount(text.lstrip("-−"))
    # "G7" → "G seven", "4K" → "four K": keep letters and digits apart.
    if start and match.string[start - 1].isalpha():
        words = " " + words
    if end < len(match.string) and match.string[end].isalpha():
        words += " "
    return words


def _number_rule(match: re.Match[str]) -> str:
    if match.group(0) in "-−":
        return "minus "
    return _number(match)


def _money_after(match: re.Match[str]) -> str:
    symbol = match["sym"] or match["code"]
    currency = _currency_of(symbol)
    amount, magnitude = match["num"], match["mag"]
    if magnitude:
        return f"{num.amount(amount)} {MAGNITUDES[magnitude]} {currency.many}"
    unit = currency.one if num.is_one(amount) else currency.many
    return f"{num.amount(amount)} {unit}"


# ---------------------------------------------------------------- names, acronyms, symbols

_ROMAN_VALUES: Final = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def _roman_value(numeral: str) -> int:
    total = 0
    for symbol, following in zip(numeral, [*numeral[1:], ""], strict=True):
        value = _ROMAN_VALUES[symbol]
        total += -value if following and _ROMAN_VALUES[following] > value else value
    return total


def _roman(match: re.Match[str]) -> str:
    name, numeral = match["name"], match["numeral"]
    value = _roman_value(numeral)
    if name in ROMAN_CARDINAL_CONTEXT:
        return f"{name} {num.cardinal(value).title()}"
    if numeral == "I" or set(numeral) - set("IVX"):
        return match.group(0)  # "I" is a pronoun; "DC", "CD", "MD" are not regnal numbers
    return f"{name} the {num.ordinal(value).title()}"


def _abbreviation(match: re.Match[str]) -> str:
    written = match.group(0)
    if written in ABBREVIATIONS:
        return _keep_final_period(match, ABBREVIATIONS[written])
    # "Approx." opening a sentence: the table lists the lower-case form.
    words = ABBREVIATIONS[written[0].lower() + written[1:]]
    return _keep_final_period(match, words[0].upper() + words[1:])


_WORD_ABBREVIATIONS: Final = [a for a in ABBREVIATIONS if a not in NUMBER_ABBREVIATIONS]
_CAPITALIZED_ABBREVIATIONS: Final = [
    a[0].upper() + a[1:] for a in _WORD_ABBREVIATIONS if a[0].islower() and "." not in a[:-1]
]


def _saint_or_street(match: re.Match[str]) -> str:
    _, saint, street = SAINT_OR_STREET
    return f"{saint} " if match["next"] else _keep_final_period(match, street)


def _dotted_acronym(match: re.Match[str]) -> str:
    return _keep_final_period(match, " ".join(match.group(0).replace(".", "")))


def _pronounceable(word: str) -> bool:
    consonant_runs = re.findall(r"[^AEIOUY]+", word)
    return len(word) >= 5 and max((len(r) for r in consonant_runs), default=0) <= 2


def _acronym(match: re.Match[str]) -> str:
    word, plural = match["word"], match["plural"] or ""
    if word in ACRONYM_SPOKEN:
        return ACRONYM_SPOKEN[word] + plural
    if word in ACRONYM_WORDS or _pronounceable(word):
        return word.capitalize() + plural
    return " ".join(word) + ("'s" if plural else "")


def _slash(match: re.Match[str]) -> str:
    left, right = match["left"], match["right"]
    joint = " or " if left.islower() and right.islower() else " slash "
    return f"{left}{joint}{right}"


_DATELINE: Final = re.compile(
    r"^(?P<place>[A-Z][A-Z'.-]+(?: [A-Z][A-Z'.-]+)*)"
    r"(?=(?:,[^—–]{1,40})?(?: \([A-Za-z]+\))?\s+[—–-]\s)"
)
"""A news dateline ("HARBOR TOWN —", "KYIV, Ukraine (AP) —"): a place, not letters."""


def _calm_shouting(text: str) -> str:
    """Lower-case a sentence written in capitals ("MORE NEWS"), keeping real acronyms."""
    text = _DATELINE.sub(lambda m: m["place"].title(), text)
    words = re.findall(r"[A-Za-z]{2,}", text)
    shouted = [w for w in words if w.isupper()]
    if len(shouted) < 2 or len(shouted) < 0.6 * len(words):
        return text
    return re.sub(
        r"\b[A-Z]{2,}\b",
        lambda m: m.group(0) if m.group(0) in ACRONYM_WORDS else m.group(0).lower(),
        text,
    )


_SPAN: Final = rf"(?P<num>[-−]?{_NUM})(?:\s?[-–]\s?(?P<num2>[-−]?{_NUM}))?"
_PERCENT_SPAN: Final = rf"(?P<num>[-−]?{_NUM})%?(?:\s?[-–]\s?(?P<num2>[-−]?{_NUM}))?"
_CURRENCY_PREFIX: Final = _alternation([*CURRENCY_SYMBOLS, *CURRENCY_CODES])
_CURRENCY_SUFFIX: Final = _alternation([s for s in CURRENCY_SYMBOLS if "$" not in s])
_CODES: Final = _alternation(CURRENCY_CODES)
_MAG: Final = _alternation(MAGNITUDES)

RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "email",
        re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
        _say_address,
    ),
    Rule(
        "url",
        re.compile(
            r"(?<![\w@])(?:https?://\S+|www\.\S+)"
            rf"|(?<![\w@.-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:{_TLDS})\b(?:/\S*)?"
        ),
        _say_address,
    ),
    Rule(
        "phone",
        re.compile(
            r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\w)"
            r"|(?<![\w+])\+\d{1,3}(?:[\s.-]\d{1,4}){2,5}(?![\w.-]?\d)"
        ),
        lambda m: ", ".join(
            ("plus " if g.startswith("+") else "") + num.digits(g)
            for g in re.findall(r"\+?\d+", m.group(0))
        ),
    ),
    Rule(
        "unicode fraction",
        re.compile(rf"(?P<whole>\d)?(?P<frac>{_alternation(UNICODE_FRACTIONS)})"),
        lambda m: (f"{m['whole']} " if m["whole"] else "") + UNICODE_FRACTIONS[m["frac"]],
    ),
    Rule(
        "number sign",
        re.compile(r"(?<!\w)#(?=\d)"),
        lambda m: "number ",
    ),
    Rule(
        "number abbreviation",
        re.compile(rf"(?<![\w.])(?:{_alternation(NUMBER_ABBREVIATIONS)})(?=\s*\d)"),
        _abbreviation,
    ),
    Rule(
        "iso date",
        re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
        _numeric_date,
    ),
    Rule(
        "numeric date",
        re.compile(r"(?<![\d/])(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})\b"),
        _numeric_date,
    ),
    Rule(
        "month day",
        re.compile(
            rf"(?<![\w.])(?P<month>{_MONTH})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
            r"(?![\d:.,]\d|\w)(?:,?\s+(?P<year>\d{4})\b)?"
        ),
        _month_day,
    ),
    Rule(
        "day month",
        re.compile(
            rf"(?<![\w.,])(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<month>{_MONTH})"
            r"(?![\w])(?:,?\s+(?P<year>\d{4})\b)?"
        ),
        _day_month,
    ),
    Rule(
        "month year",
        re.compile(rf"(?<![\w.])(?P<month>{_MONTH})\s+(?P<year>\d{{4}})\b"),
        _month_year,
    ),
    Rule(
        "clock time",
        re.compile(
            r"(?<![\d:])(?P<h>[0-2]?\d)(?::(?P<m>[0-5]\d))?\s?"
            rf"(?P<suffix>{_alternation(TIME_SUFFIXES)})(?![\w])"
        ),
        _clock,
    ),
    Rule(
        "time or ratio",
        re.compile(r"(?<![\d:.])(?P<h>\d{1,3}):(?P<m>\d{1,2})(?![\d:])(?P<suffix>)"),
        _ratio_or_time,
    ),
    Rule(
        "money before",
        re.compile(
            rf"(?<![\w$])(?P<neg>[-−])?(?P<sym>{_CURRENCY_PREFIX})\s?(?P<num>{_NUM})"
            rf"(?:\s?(?P<mag>{_MAG})\b)?"
        ),
        _money,
    ),
    Rule(
        "money after",
        re.compile(
            rf"(?<![\w.,])(?P<neg>)(?P<num>{_NUM})(?:\s?(?P<mag>{_MAG}))?"
            rf"(?:\s?(?P<sym>{_CURRENCY_SUFFIX})|\s(?P<code>{_CODES})\b)"
        ),
        _money_after,
    ),
    Rule(
        "minor money",
        re.compile(rf"(?<![\w.,])(?P<num>\d+)(?P<sym>{_alternation(MINOR_UNIT_SUFFIXES)})(?!\w)"),
        _minor_money,
    ),
    Rule(
        "percent",
        re.compile(rf"(?<![\w.,]){_PERCENT_SPAN}\s?%"),
        _percent,
    ),
    Rule(
        "unit",
        re.compile(rf"(?<![\w.,]){_SPAN}\s?(?P<unit>{_alternation(UNITS)})(?![\w/²])"),
        _unit,
    ),
    Rule(
        "slash expression",
        re.compile(rf"(?<![\w/]){_alternation(SLASH_EXPRESSIONS)}(?![\w/])"),
        lambda m: SLASH_EXPRESSIONS[m.group(0)],
    ),
    Rule(
        "fraction",
        re.compile(
            r"(?<![\w/.,])(?:(?P<whole>\d+)\s)?(?P<top>\d{1,3})/(?P<bottom>\d{1,3})(?![\w/])"
        ),
        _fraction,
    ),
    Rule(
        "range or score",
        re.compile(rf"(?<![\w.,–-])(?P<num>{_NUM})\s?[–-]\s?(?P<num2>{_NUM})(?![\w–-]|[.,]\d)"),
        _range,
    ),
    Rule(
        "decade",
        re.compile(r"(?<![\w'’])['’]?(?P<digits>(?:1[1-9]|20)?\d0)s\b"),
        _decade,
    ),
    Rule(
        "ordinal",
        re.compile(r"(?<![\w.,])(?P<n>\d+)(?:st|nd|rd|th)\b"),
        lambda m: num.ordinal(m["n"]),
    ),
    Rule(
        "number",
        re.compile(rf"(?:(?<=\s)|(?<=^)|(?<=[(\"“]))[-−](?={_NUM})|(?<![\d.]){_NUM}"),
        _number_rule,
    ),
    Rule(
        "roman numeral",
        re.compile(
            r"\b(?P<name>[A-Z][a-z]+)\s(?P<numeral>(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})"
            r"(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))(?![\w'])"
        ),
        _roman,
    ),
    Rule(
        "saint or street",
        re.compile(r"(?<![\w.])St\.(?P<next>\s+(?=[A-Z]))?"),
        _saint_or_street,
    ),
    Rule(
        "abbreviation",
        re.compile(
            rf"(?<![\w.])(?:{_alternation(_WORD_ABBREVIATIONS + _CAPITALIZED_ABBREVIATIONS)})"
            r"(?=[\s,;:)\"”']|$)"
        ),
        _abbreviation,
    ),
    Rule(
        "dotted acronym",
        re.compile(r"(?<![\w.])(?:[A-Z]\.){2,}(?!\w\.)"),
        _dotted_acronym,
    ),
    Rule(
        "acronym",
        re.compile(r"\b(?P<word>[A-Z]{2,})(?P<plural>['’]?s)?\b"),
        _acronym,
    ),
    Rule(
        "hashtag",
        re.compile(r"(?<![\w&])#(?=[A-Za-z])"),
        lambda m: "hashtag ",
    ),
    Rule(
        "slash",
        re.compile(r"(?P<left>\b[A-Za-z]+)\s?/\s?(?P<right>[A-Za-z]+\b)"),
        _slash,
    ),
    Rule(
        "symbol",
        re.compile(_alternation(SYMBOLS)),
        lambda m: SYMBOLS[m.group(0)],
    ),
    Rule(
        "dash as pause",
        re.compile(r"(?<!\s)(?:\s*(?:[—―]|--)\s*|\s+[–-]\s+|\s*–\s*(?=[A-Za-z]))"),
        lambda m: ", ",
    ),
    Rule(
        "bracket as pause",
        re.compile(r"(?<!\s)\s*[()\[\]{}]\s*"),
        lambda m: ", ",
    ),
)
"""English rules, in the order they run."""


_CLEANUP: Final = (
    (re.compile(r"(?<=\w)[’](?=\w)"), "'"),
    (re.compile(r"…"), "..."),
    (re.compile(r"\s+"), " "),
    (re.compile(r"(?<![\s,])(?:\s*,)+\s*(?=[.,;:!?])"), ""),
    (re.compile(r"(?<![\s,])(?:\s*,)+"), ","),
    (re.compile(r",(?=\w)"), ", "),
    (re.compile(r"(?<!\s)\s+(?=[.,;:!?])"), ""),
    (re.compile(r"^[\s,;:]+|(?<![\s,;:])[\s,;:]+$"), ""),
)
r"""Tidy-ups after the rules: no doubled or dangling pauses, no space before punctuation.

A pattern that starts with a run (`\s*`, `(?:\s*,)+`) may only start where the run
starts (the lookbehinds): else it is tried again at every character of a long run, and
the work grows with the square of the run's length."""


def normalize_english(text: str) -> str:
    """The spoken form of one English sentence."""
    text = _calm_shouting(text)
    for rule in RULES:
        text = rule.pattern.sub(rule.replace, text)
    for pattern, replacement in _CLEANUP:
        text = pattern.sub(replacement, text)
    return text
