"""English normalization rules: one sentence as written → the words an announcer says.

Each rule is a row of the rule table: a name, a pattern (mostly built from the tables in
`rules_en`) and a function from the match to words. Rules run in table order over the
whole sentence, so a later rule sees the words an earlier one wrote: web addresses
first (their dots are not sentence dots), then dates, times, other addresses, money,
units, ranges and plain numbers, then names and acronyms, and finally symbols and
punctuation. Dates and times live in `dates_en`, addresses (street, phone, web) in
`addresses_en`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from workers.text import numbers_en as num
from workers.text.addresses_en import ADDRESS_RULES, WEB_RULES
from workers.text.dates_en import DEFAULT_DATE_ORDER, MONTH, TIME_RULES, DateOrder, date_rules
from workers.text.rulebase import (
    NUM,
    Rule,
    alternation,
    keep_final_period,
    word_after,
    word_before,
    words_before,
)
from workers.text.rules_en import (
    ABBREVIATIONS,
    ACRONYM_SPOKEN,
    ACRONYM_WORDS,
    CITATION_ABBREVIATIONS,
    CURRENCY_CODES,
    CURRENCY_SYMBOLS,
    DETERMINERS,
    INDIAN_MAGNITUDES,
    IRREGULAR_PLURALS,
    MAGNITUDES,
    MINOR_UNIT_SUFFIXES,
    MONTHS,
    MORE_ABBREVIATIONS,
    MORE_CURRENCY_CODES,
    MORE_CURRENCY_SYMBOLS,
    MORE_UNITS,
    NOT_NOUNS,
    NOT_PLURALS,
    NUMBER_ABBREVIATIONS,
    PER_UNITS,
    PROGRAMMING_NAMES,
    REGNAL_NAMES,
    ROMAN_CARDINAL_CONTEXT,
    ROMAN_CARDINAL_LOWER,
    ROMAN_NOT_NUMERALS,
    ROMAN_TITLES,
    SAINT_OR_STREET,
    SCORE_WORDS,
    SLASH_EXPRESSIONS,
    SYMBOLS,
    UNICODE_FRACTIONS,
    UNITS,
    YEAR_CONTEXT,
    Currency,
)

_ALL_CURRENCY_SYMBOLS: Final = {**CURRENCY_SYMBOLS, **MORE_CURRENCY_SYMBOLS}
_ALL_CURRENCY_CODES: Final = {**CURRENCY_CODES, **MORE_CURRENCY_CODES}
_ALL_UNITS: Final = {**UNITS, **MORE_UNITS}
_SCALES: Final = {k.lower(): v for k, v in MAGNITUDES.items()} | dict(INDIAN_MAGNITUDES)
_GLUED_ONLY_UNITS: Final = frozenset({"C", "F", "W", "h", "in.", "t"})
"""Units read only when written against the number ("30C", not "30 C")."""

SCORE_DASH: Final = "\u2012"
"""Between the two numbers of a score, a figure dash that the dash-as-pause rule leaves
alone; it is written as an en dash ("three–one") once all rules have run."""


# ---------------------------------------------------------------- money, percentages, units


def _currency_of(symbol: str) -> Currency:
    return _ALL_CURRENCY_SYMBOLS.get(symbol) or _ALL_CURRENCY_CODES[symbol]


def _scale(written: str | None) -> str:
    if not written:
        return ""
    key = written.lower()
    return _SCALES.get(key) or _SCALES.get(key.rstrip("s"), key)


def _is_adjective(match: re.Match[str], hyphened: bool, title_scale: bool) -> bool:
    """True when an amount qualifies the noun after it ("a $5 million deal")."""
    after = word_after(match).rstrip(".,;:!?\"'”’)")
    if hyphened or match.string[match.end() : match.end() + 1] == "-":
        return True  # "a $5-million grant", "a $20 million-a-year contract"
    if not after.isalpha() or after.lower() in NOT_NOUNS:
        return False
    if title_scale and after[0].isupper():  # headline: "Approves $1.5 Billion Flood Barrier"
        return True
    before = word_before(match)
    possessive = before.endswith(("'s", "’s"))  # "the EU's €750bn fund"
    return (before in DETERMINERS or possessive) and after.islower()


def _amount_words(amount: str, scale: str | None) -> str:
    words = num.amount(amount)
    return f"{words} {_scale(scale)}" if scale else words


def _per(match: re.Match[str]) -> str:
    per = match["per"]
    return f" per {PER_UNITS.get(per, per)}" if per else ""


def _has_cents(amount: str) -> bool:
    return len(amount.partition(".")[2]) == 2


def _plain_money(currency: Currency, amount: str, adjective: bool) -> str:
    """An amount without a scale word: "$3.25" → "three dollars and twenty-five cents"."""
    if not _has_cents(amount):
        unit = currency.one if num.is_one(amount) or adjective else currency.many
        return f"{num.amount(amount)} {unit}"
    whole, _, cents = amount.replace(",", "").partition(".")
    minor = f"{num.cardinal(cents)} {currency.minor_one if cents == '01' else currency.minor_many}"
    whole = whole.lstrip("0")  # compared as text: the whole part may be any length
    if not whole:
        return minor
    major = f"{num.cardinal(whole)} {currency.one if whole == '1' else currency.many}"
    return f"{major} and {minor}" if int(cents) else major


def _money(match: re.Match[str]) -> str:
    currency = _currency_of(match["sym"])
    amount, scale = match["num"], match["mag"] or match["magw"]
    sign = "minus " if match["neg"] else ""
    hyphened = bool(match["hy"])
    adjective = _is_adjective(match, hyphened, bool(match["magw"] and match["magw"][0].isupper()))
    unit = currency.one if adjective else currency.many
    if match["num2"]:
        scale2 = match["mag2"] or match["magw2"]
        if not (scale or scale2) and (_has_cents(amount) or _has_cents(match["num2"])):
            # "$1 to $1.50": each amount in full
            first = _plain_money(currency, amount, adjective)
            return f"{sign}{first} to {_plain_money(currency, match['num2'], adjective)}"
        first = num.amount(amount) + (f" {_scale(scale)}" if scale and scale2 != scale else "")
        words = f"{sign}{first} to {_amount_words(match['num2'], scale2 or scale)}"
        return f"{words} {unit}{_per(match)}"
    if scale:
        return f"{sign}{_amount_words(amount, scale)} {unit}{_per(match)}"
    return sign + _plain_money(currency, amount, adjective) + _per(match)


def _money_after(match: re.Match[str]) -> str:
    symbol = match["sym"] or match["code"]
    currency = _currency_of(symbol)
    amount, scale = match["num"], match["mag"]
    if scale:
        return f"{_amount_words(amount, scale)} {currency.many}"
    unit = currency.one if num.is_one(amount) else currency.many
    return f"{num.amount(amount)} {unit}"


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
    written = match["unit"]
    if written in _GLUED_ONLY_UNITS and match["gap"]:
        return match.group(0)
    one, many = _ALL_UNITS[written]
    adjective = _is_adjective(match, bool(match["hy"]), title_scale=False)  # "a 100m sprint"
    single = adjective or (not match["num2"] and num.is_one(match["num"].replace("−", "-")))
    scale = f" {_scale(match['mag'])}" if match["mag"] else ""
    words = f"{_span(match)}{scale} {one if single and not scale else many}"
    if match["per"]:
        words += f" per {PER_UNITS[match['per']]}"
    return keep_final_period(match, words) if written.endswith(".") else words


def _height(match: re.Match[str]) -> str:
    feet, inches = match["feet"], match["inches"]
    words = f"{num.cardinal(feet)} {'foot' if feet == '1' else 'feet'}"
    if inches:
        words += f" {num.cardinal(inches)} {'inch' if inches == '1' else 'inches'}"
    return keep_final_period(match, words)


def _scaled_number(match: re.Match[str]) -> str:
    return _amount_words(match["num"], match["mag"])


# ---------------------------------------------------------------- fractions, ranges, numbers


def _fraction(match: re.Match[str]) -> str:
    top, bottom = int(match["top"]), int(match["bottom"])
    if bottom == 1:
        return f"{num.cardinal(top)} to one"  # odds: "5/1"
    if bottom == 0 or top > 99:
        return f"{num.cardinal(top)} over {num.cardinal(bottom)}"  # "120/80"
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


def _is_score(match: re.Match[str]) -> bool:
    left, right = match["num"], match["num2"]
    if not (left.isdigit() and right.isdigit() and len(left) <= 3 and len(right) <= 3):
        return False
    near = {w.lower() for w in words_before(match, 4)} | {word_after(match).lower().strip(".,")}
    if near & SCORE_WORDS:
        return True
    # A result line between two teams: "Arsenal 2-1 Chelsea".
    return word_before(match)[:1].isupper() and word_after(match)[:1].isupper()


def _range(match: re.Match[str]) -> str:
    left, right = match["num"], match["num2"]
    if _is_year(left) and (_is_year(right) or (len(right) == 2 and right.isdigit())):
        right_words = num.year(right) if len(right) == 4 else num.cardinal(right)
        return f"{num.year(left)} to {right_words}"
    if _is_score(match):
        return f"{num.cardinal(left)}{SCORE_DASH}{num.cardinal(right)}"
    return f"{num.amount(left)} to {num.amount(right)}"


def _decade(match: re.Match[str]) -> str:
    digits = match["digits"]
    if len(digits) == 4:
        return num.decade(int(digits))
    return num.decade(1900 + int(digits)).split(" ", 1)[1]


def _counts_things(word: str) -> bool:
    """True when `word` after a number is a plural noun ("1500 people", "2000 troops")."""
    word = word.strip(".,;:!?\"'”")
    if word in IRREGULAR_PLURALS:
        return True
    return (
        word.isalpha()
        and word.islower()
        and len(word) > 3
        and word.endswith("s")
        and not word.endswith("ss")
        and word not in NOT_PLURALS
    )


def _read_as_year(match: re.Match[str], text: str) -> bool:
    if not _is_year(text):
        return False
    before = word_before(match)
    if before in YEAR_CONTEXT or (before in ("the", "The") and 1900 <= int(text) < 2040):
        return True
    return not _counts_things(word_after(match))


def _number(match: re.Match[str]) -> str:
    text, start, end = match.group(0), match.start(), match.end()
    if _read_as_year(match, text):
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


def _ordinal(match: re.Match[str]) -> str:
    return num.ordinal(match["n"].replace(",", ""))


# ---------------------------------------------------------------- names, acronyms, symbols

_ROMAN_VALUES: Final = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def _roman_value(numeral: str) -> int:
    total = 0
    for symbol, following in zip(numeral, [*numeral[1:], ""], strict=True):
        value = _ROMAN_VALUES[symbol]
        total += -value if following and _ROMAN_VALUES[following] > value else value
    return total


def _roman(match: re.Match[str]) -> str:
    name, numeral, possessive = match["name"], match["numeral"], match["poss"] or ""
    written = f"{name} {numeral}"
    value = _roman_value(numeral)
    if name in ROMAN_CARDINAL_CONTEXT or name.lower() in ROMAN_CARDINAL_LOWER:
        if numeral == "I" and name.islower():
            return match.group(0)  # "part I said" — the pronoun
        number = num.cardinal(value)
        return f"{name} {number if name.islower() else number.title()}{possessive}"
    if written in ROMAN_NOT_NUMERALS or not name[0].isupper() or set(numeral) - set("IVXL"):
        return match.group(0)  # "DC", "CD", "MD" are not regnal numbers
    titled = word_before(match) in ROMAN_TITLES
    if numeral == "I" and not (titled or possessive or word_after(match) == "of"):
        return match.group(0)  # "I" is a pronoun unless a title or "of" shows otherwise
    if len(numeral) == 1 and not (titled or name in REGNAL_NAMES):
        return match.group(0)  # "Generation X", "Model S"
    return f"{name} the {num.ordinal(value).title()}{possessive}"


_ALL_ABBREVIATIONS: Final = {**ABBREVIATIONS, **MORE_ABBREVIATIONS, **CITATION_ABBREVIATIONS}


def _abbreviation(match: re.Match[str]) -> str:
    written = match.group(0)
    if written in _ALL_ABBREVIATIONS:
        words = _ALL_ABBREVIATIONS[written]
        if match.start() == 0 and written[0].isupper():
            words = words[0].upper() + words[1:]  # "Fig. 2 shows" opens the sentence
        return keep_final_period(match, words)
    # "Approx." opening a sentence: the table lists the lower-case form.
    words = _ALL_ABBREVIATIONS[written[0].lower() + written[1:]]
    return keep_final_period(match, words[0].upper() + words[1:])


_BEFORE_NUMBER_ONLY: Final = NUMBER_ABBREVIATIONS | CITATION_ABBREVIATIONS.keys()
_WORD_ABBREVIATIONS: Final = [
    a for a in {**ABBREVIATIONS, **MORE_ABBREVIATIONS} if a not in _BEFORE_NUMBER_ONLY
]
_CAPITALIZED_ABBREVIATIONS: Final = [
    a[0].upper() + a[1:] for a in _WORD_ABBREVIATIONS if a[0].islower() and "." not in a[:-1]
]


def _saint_or_street(match: re.Match[str]) -> str:
    _, saint, street = SAINT_OR_STREET
    return f"{saint} " if match["next"] else keep_final_period(match, street)


def _dotted_acronym(match: re.Match[str]) -> str:
    return keep_final_period(match, " ".join(match.group(0).replace(".", "")))


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

_SHOUTED_KEEP: Final = frozenset(MONTHS) | frozenset(m.upper() for m in MONTHS)


def _calm_shouting(text: str) -> str:
    """Lower-case a sentence written in capitals ("MORE NEWS"), keeping real acronyms;
    month names keep their capital, so dates in shouted headlines are still dates."""
    text = _DATELINE.sub(lambda m: m["place"].title(), text)
    words = re.findall(r"[A-Za-z]{2,}", text)
    shouted = [w for w in words if w.isupper()]
    if len(shouted) < 2 or len(shouted) < 0.6 * len(words):
        return text

    def calm(match: re.Match[str]) -> str:
        word = match.group(0)
        if word in ACRONYM_WORDS:
            return word
        return word.title() if word in _SHOUTED_KEEP else word.lower()

    return re.sub(r"\b[A-Z]{2,}\b", calm, text)


_SPAN: Final = rf"(?P<num>[-−]?{NUM})(?:\s?[-–]\s?(?P<num2>[-−]?{NUM}))?"
_PERCENT_SPAN: Final = rf"(?P<num>[-−]?{NUM})%?(?:\s?[-–]\s?(?P<num2>[-−]?{NUM}))?"
_CURRENCY_PREFIX: Final = alternation([*_ALL_CURRENCY_SYMBOLS, *_ALL_CURRENCY_CODES])
_CURRENCY_SUFFIX: Final = alternation(
    [s for s in _ALL_CURRENCY_SYMBOLS if "$" not in s and s[0] != "R"]
)
_CODES: Final = alternation(_ALL_CURRENCY_CODES)
_LETTER_SCALES: Final = r"(?i:bn|mn|tn|trn|cr|k|m|b)"
_WORD_SCALES: Final = r"(?i:lakh crore|thousand|million|billion|trillion|lakhs?|crores?)(?!\w)"
_PER: Final = rf"(?:/(?P<per>{alternation(PER_UNITS)}|[a-z]{{3,12}})\b)?"


def _scale_group(suffix: str = "") -> str:
    return (
        rf"(?:(?P<mag{suffix}>{_LETTER_SCALES})(?![\w])"
        rf"|(?P<hy{suffix}>-)?\s?(?P<magw{suffix}>{_WORD_SCALES}))?"
    )


_MONEY_BEFORE: Final = re.compile(
    rf"(?<![\w$])(?P<neg>[-−])?(?P<sym>{_CURRENCY_PREFIX})\s?(?P<num>{NUM}){_scale_group()}"
    rf"(?:\s?(?:[-–]|to)\s?(?:{_CURRENCY_PREFIX})?\s?(?P<num2>{NUM}){_scale_group('2')})?"
    rf"{_PER}"
)


@cache
def english_rules(order: DateOrder = DEFAULT_DATE_ORDER) -> tuple[Rule, ...]:
    """English rules, in the order they run, for one reading of ambiguous numeric dates."""
    return (
        *WEB_RULES,
        Rule(
            "language name",
            re.compile(rf"(?<![\w.])(?:{alternation(PROGRAMMING_NAMES)})(?![\w#+])"),
            lambda m: PROGRAMMING_NAMES[m.group(0)],
        ),
        Rule(
            "unicode fraction",
            re.compile(rf"(?P<whole>\d)?(?P<frac>{alternation(UNICODE_FRACTIONS)})"),
            lambda m: (f"{m['whole']} " if m["whole"] else "") + UNICODE_FRACTIONS[m["frac"]],
        ),
        Rule(
            "fraction slash",
            re.compile(r"(?<=\d)⁄(?=\d)"),
            lambda m: "/",
        ),
        Rule(
            "number sign",
            re.compile(r"(?<!\w)#(?=\d)"),
            lambda m: "number ",
        ),
        Rule(
            "number abbreviation",
            re.compile(
                rf"(?<![\w.])(?:{alternation(_BEFORE_NUMBER_ONLY)})"
                r"(?=\s*(?:\d|[IVXLC]+\b))"
            ),
            _abbreviation,
        ),
        *date_rules(order),
        *TIME_RULES,
        *ADDRESS_RULES,
        Rule("money before", _MONEY_BEFORE, _money),
        Rule(
            "money after",
            re.compile(
                rf"(?<![\w.,])(?P<neg>)(?P<num>{NUM})(?:\s?(?P<mag>{_WORD_SCALES}|bn|m|k))?"
                rf"(?:\s?(?P<sym>{_CURRENCY_SUFFIX})|\s(?P<code>{_CODES})\b)"
            ),
            _money_after,
        ),
        Rule(
            "minor money",
            re.compile(
                rf"(?<![\w.,])(?P<num>\d+)(?P<sym>{alternation(MINOR_UNIT_SUFFIXES)})(?!\w)"
            ),
            _minor_money,
        ),
        Rule(
            "percent",
            re.compile(rf"(?<![\w.,]){_PERCENT_SPAN}(?:\s?%|pc\b|\s(?:per cent|percent)\b)"),
            _percent,
        ),
        Rule(
            "dimensions",
            re.compile(rf"(?<![\w.,])(?P<num>{NUM})\s?[x×]\s?(?={NUM})"),
            lambda m: f"{num.amount(m['num'])} by ",
        ),
        Rule(
            "times",
            re.compile(rf"(?<![\w.,])(?P<num>{NUM})[x×](?=\s)"),
            lambda m: f"{num.amount(m['num'])} times",
        ),
        Rule(
            "feet and inches",
            re.compile(
                r"(?<![\w.,])(?P<feet>\d{1,2})\s?(?:(?:ft\.?|feet|foot)\s?(?=\d)|['′’])\s?"
                r"(?:(?P<inches>\d{1,2})\s?(?:in\b\.?|inches\b|inch\b|[\"″”]|''))?(?!\w)"
            ),
            _height,
        ),
        Rule(
            "unit",
            re.compile(
                rf"(?<![\w.,]){_SPAN}(?:\s(?P<mag>{_WORD_SCALES}))?(?:(?P<hy>-)|(?P<gap>\s))?"
                rf"(?P<unit>{alternation(_ALL_UNITS)})"
                rf"(?:/(?P<per>{alternation(PER_UNITS)}))?(?![\w/²³]|(?<=\.)\w)"
            ),
            _unit,
        ),
        Rule(
            "scaled number",
            re.compile(
                rf"(?<![\w.,])(?P<num>{NUM})\s?(?P<mag>{_WORD_SCALES}|bn|tn|M(?=\s[a-z]))(?!\w)"
            ),
            _scaled_number,
        ),
        Rule(
            "slash expression",
            re.compile(rf"(?<![\w/])(?:{alternation(SLASH_EXPRESSIONS)})(?![\w/])"),
            lambda m: SLASH_EXPRESSIONS[m.group(0)],
        ),
        Rule(
            "fraction",
            re.compile(
                r"(?<![\w/.,])(?:(?P<whole>\d+)[\s-])?(?P<top>\d{1,3})/(?P<bottom>\d{1,3})"
                r"(?:st|nd|rd|th)?s?(?![\w/])"
            ),
            _fraction,
        ),
        Rule(
            "range or score",
            re.compile(rf"(?<![\w.,–-])(?P<num>{NUM})\s?[–-]\s?(?P<num2>{NUM})(?![\w–-]|[.,]\d)"),
            _range,
        ),
        Rule(
            "decade",
            re.compile(r"(?<![\w'’])['’]?(?P<digits>(?:1[1-9]|20)?\d0)['’]?s\b"),
            _decade,
        ),
        Rule(
            "ordinal",
            re.compile(r"(?<![\w.,])(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?i:st|nd|rd|th)\b"),
            _ordinal,
        ),
        Rule(
            "number",
            re.compile(rf"(?:(?<=\s)|(?<=^)|(?<=[(\"“]))[-−](?={NUM})|(?<![\d.]){NUM}"),
            _number_rule,
        ),
        Rule(
            "roman numeral",
            re.compile(
                r"\b(?P<name>[A-Z][a-z]+|[a-z]{3,9})\s(?P<numeral>(?=[MDCLXVI])M{0,3}"
                r"(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))"
                r"(?P<poss>['’]s)?(?![\w'’])"
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
                rf"(?<![\w.])(?:{alternation(_WORD_ABBREVIATIONS + _CAPITALIZED_ABBREVIATIONS)})"
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
            re.compile(alternation(SYMBOLS)),
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


RULES: Final[tuple[Rule, ...]] = english_rules()
"""English rules in the default date order."""


_CLEANUP: Final = (
    (re.compile(r"(?<=\w)[’](?=\w)"), "'"),
    (re.compile(r"…"), "..."),
    (re.compile(SCORE_DASH), "–"),
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


def normalize_english(text: str, date_order: DateOrder | str = DEFAULT_DATE_ORDER) -> str:
    """The spoken form of one English sentence; ambiguous numeric dates ("03/04/2019")
    are read in `date_order`."""
    text = _calm_shouting(text)
    for rule in english_rules(DateOrder(date_order)):
        text = rule.pattern.sub(rule.replace, text)
    for pattern, replacement in _CLEANUP:
        text = pattern.sub(replacement, text)
    return text


__all__ = ["MONTH", "RULES", "english_rules", "normalize_english"]
