"""English normalization data: the tables the rules in `normalize_en` read.

Extend these tables, not the code: a new title, unit, currency or acronym is one row.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final, NamedTuple

ABBREVIATIONS: Final = MappingProxyType(
    {
        # titles before names
        "Mr.": "Mister",
        "Mrs.": "Missus",
        "Ms.": "Miz",
        "Dr.": "Doctor",
        "Prof.": "Professor",
        "Gen.": "General",
        "Lt.": "Lieutenant",
        "Col.": "Colonel",
        "Capt.": "Captain",
        "Sgt.": "Sergeant",
        "Adm.": "Admiral",
        "Maj.": "Major",
        "Cmdr.": "Commander",
        "Sen.": "Senator",
        "Rep.": "Representative",
        "Gov.": "Governor",
        "Pres.": "President",
        "Rev.": "Reverend",
        "Fr.": "Father",
        "Hon.": "Honorable",
        "Supt.": "Superintendent",
        # after names
        "Jr.": "Junior",
        "Sr.": "Senior",
        # organisations
        "Inc.": "Incorporated",
        "Corp.": "Corporation",
        "Co.": "Company",
        "Ltd.": "Limited",
        "Bros.": "Brothers",
        "Dept.": "Department",
        "Univ.": "University",
        "Assn.": "Association",
        "Intl.": "International",
        # places
        "Mt.": "Mount",
        "Ave.": "Avenue",
        "Blvd.": "Boulevard",
        "Rd.": "Road",
        "Ft.": "Fort",
        # Latin and everyday
        "vs.": "versus",
        "v.": "versus",
        "etc.": "et cetera",
        "e.g.": "for example",
        "i.e.": "that is",
        "approx.": "approximately",
        "est.": "estimated",
        "min.": "minutes",
        "max.": "maximum",
        "ca.": "circa",
        "cf.": "compare",
        "No.": "number",
        "no.": "number",
        "Nos.": "numbers",
        "Vol.": "volume",
        "Ch.": "chapter",
        "p.": "page",
        "pp.": "pages",
    }
)
"""Dotted abbreviations → words. Matched case-sensitively as whole tokens."""

NUMBER_ABBREVIATIONS: Final = frozenset({"No.", "no.", "Nos.", "Vol.", "Ch.", "p.", "pp."})
"""Abbreviations expanded only before a number ("No. 1"), since they are also words."""

SAINT_OR_STREET: Final = ("St.", "Saint", "Street")
""""St." is "Saint" before a capitalized name, "Street" otherwise."""

MONTHS: Final = (
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

MONTH_ABBREVIATIONS: Final = MappingProxyType(
    {
        "Jan.": "January",
        "Feb.": "February",
        "Mar.": "March",
        "Apr.": "April",
        "Jun.": "June",
        "Jul.": "July",
        "Aug.": "August",
        "Sep.": "September",
        "Sept.": "September",
        "Oct.": "October",
        "Nov.": "November",
        "Dec.": "December",
    }
)
"""Month abbreviations, expanded only when a day or year follows ("Jan." alone may be a name)."""


class Currency(NamedTuple):
    """How an amount of one currency is read."""

    one: str
    many: str
    minor_one: str
    minor_many: str


CURRENCY_SYMBOLS: Final = MappingProxyType(
    {
        "US$": Currency("dollar", "dollars", "cent", "cents"),
        "C$": Currency("Canadian dollar", "Canadian dollars", "cent", "cents"),
        "A$": Currency("Australian dollar", "Australian dollars", "cent", "cents"),
        "$": Currency("dollar", "dollars", "cent", "cents"),
        "€": Currency("euro", "euros", "cent", "cents"),
        "£": Currency("pound", "pounds", "penny", "pence"),
        "¥": Currency("yen", "yen", "sen", "sen"),
        "₴": Currency("hryvnia", "hryvnias", "kopiyka", "kopiyky"),
        "₹": Currency("rupee", "rupees", "paisa", "paise"),
        "₽": Currency("ruble", "rubles", "kopek", "kopeks"),
    }
)
"""Currency symbols written before (or after) the amount."""

CURRENCY_CODES: Final = MappingProxyType(
    {
        "USD": CURRENCY_SYMBOLS["$"],
        "EUR": CURRENCY_SYMBOLS["€"],
        "GBP": CURRENCY_SYMBOLS["£"],
        "JPY": CURRENCY_SYMBOLS["¥"],
        "UAH": CURRENCY_SYMBOLS["₴"],
        "INR": CURRENCY_SYMBOLS["₹"],
        "RUB": CURRENCY_SYMBOLS["₽"],
        "CAD": CURRENCY_SYMBOLS["C$"],
        "AUD": CURRENCY_SYMBOLS["A$"],
    }
)
"""ISO 4217 codes written before or after the amount ("EUR 20", "20 USD")."""

MINOR_UNIT_SUFFIXES: Final = MappingProxyType({"p": ("penny", "pence"), "¢": ("cent", "cents")})
"""Minor units written after a number: "50p", "99¢"."""

MAGNITUDES: Final = MappingProxyType(
    {
        "thousand": "thousand",
        "million": "million",
        "billion": "billion",
        "trillion": "trillion",
        "k": "thousand",
        "K": "thousand",
        "m": "million",
        "mn": "million",
        "M": "million",
        "bn": "billion",
        "b": "billion",
        "B": "billion",
        "tn": "trillion",
        "trn": "trillion",
    }
)
"""Scale words after an amount ("$1.5 billion", "£3bn", "$20k")."""

UNITS: Final = MappingProxyType(
    {
        "km/h": ("kilometer per hour", "kilometers per hour"),
        "kph": ("kilometer per hour", "kilometers per hour"),
        "mph": ("mile per hour", "miles per hour"),
        "m/s": ("meter per second", "meters per second"),
        "km": ("kilometer", "kilometers"),
        "cm": ("centimeter", "centimeters"),
        "mm": ("millimeter", "millimeters"),
        "m": ("meter", "meters"),
        "mi": ("mile", "miles"),
        "ft": ("foot", "feet"),
        "sq km": ("square kilometer", "square kilometers"),
        "km²": ("square kilometer", "square kilometers"),
        "m²": ("square meter", "square meters"),
        "ha": ("hectare", "hectares"),
        "kg": ("kilogram", "kilograms"),
        "g": ("gram", "grams"),
        "mg": ("milligram", "milligrams"),
        "lb": ("pound", "pounds"),
        "lbs": ("pound", "pounds"),
        "oz": ("ounce", "ounces"),
        "t": ("tonne", "tonnes"),
        "l": ("liter", "liters"),
        "L": ("liter", "liters"),
        "ml": ("milliliter", "milliliters"),
        "°C": ("degree Celsius", "degrees Celsius"),
        "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
        "°": ("degree", "degrees"),
        "kW": ("kilowatt", "kilowatts"),
        "kWh": ("kilowatt hour", "kilowatt hours"),
        "MW": ("megawatt", "megawatts"),
        "MWh": ("megawatt hour", "megawatt hours"),
        "GW": ("gigawatt", "gigawatts"),
        "GWh": ("gigawatt hour", "gigawatt hours"),
        "V": ("volt", "volts"),
        "Hz": ("hertz", "hertz"),
        "kHz": ("kilohertz", "kilohertz"),
        "MHz": ("megahertz", "megahertz"),
        "GHz": ("gigahertz", "gigahertz"),
        "KB": ("kilobyte", "kilobytes"),
        "MB": ("megabyte", "megabytes"),
        "GB": ("gigabyte", "gigabytes"),
        "TB": ("terabyte", "terabytes"),
        "ms": ("millisecond", "milliseconds"),
        "sec": ("second", "seconds"),
        "hr": ("hour", "hours"),
        "hrs": ("hour", "hours"),
    }
)
"""Unit symbols after a number → (singular, plural). Only read as units after a number."""

ACRONYM_WORDS: Final = frozenset(
    {
        "NATO",
        "NASA",
        "UNESCO",
        "UNICEF",
        "OPEC",
        "NAFTA",
        "FIFA",
        "UEFA",
        "AIDS",
        "COVID",
        "OSCE",
        "ASEAN",
        "FEMA",
        "OSHA",
        "NASDAQ",
        "SWIFT",
        "INTERPOL",
        "EUROPOL",
        "FRONTEX",
        "LASER",
        "RADAR",
        "SCUBA",
        "GIF",
        "JPEG",
        "PIN",
        "SIM",
        "DARPA",
        "NORAD",
        "CERN",
        "SEAL",
        "SEALs",
        "POTUS",
        "SCOTUS",
        "HAMAS",
        "ISIS",
        "DTEK",
    }
)
"""Acronyms said as words ("NATO" is "nay-toe"); all other capitals are spelled letter by letter."""

ACRONYM_SPOKEN: Final = MappingProxyType(
    {
        "WHO": "W H O",
        "OK": "okay",
        "TV": "T V",
        "DTEK": "D-tek",
        "NASDAQ": "Nazdak",
    }
)
"""Capitalized words with a fixed reading that neither rule gives."""

CAPITAL_WORDS: Final = frozenset(
    {"A", "I", "AM", "AN", "AS", "AT", "BE", "BY", "DO", "GO", "HE", "IF", "IN", "IS", "IT"}
    | {"ME", "MY", "NO", "OF", "ON", "OR", "SO", "TO", "UP", "WE"}
)
"""Short capitalized words that are ordinary words when a headline or label shouts."""

SYMBOLS: Final = MappingProxyType(
    {
        "&": " and ",
        "+": " plus ",
        "=": " equals ",
        "±": " plus or minus ",
        "×": " times ",
        "~": " about ",
        "≈": " about ",
        "§": " section ",
        "©": " copyright ",
        "®": "",
        "™": "",
        "•": ", ",
        "·": ", ",
        "|": ", ",
        "%": " percent ",
        "/": " slash ",
        "@": " at ",
    }
)
"""Symbols → words, applied after numbers, dates and URLs have been read."""

SLASH_EXPRESSIONS: Final = MappingProxyType(
    {
        "24/7": "twenty-four seven",
        "9/11": "nine eleven",
        "50/50": "fifty-fifty",
        "and/or": "and or",
        "w/o": "without",
    }
)
"""Slash expressions with an idiomatic reading."""

UNICODE_FRACTIONS: Final = MappingProxyType(
    {
        "½": "1/2",
        "⅓": "1/3",
        "⅔": "2/3",
        "¼": "1/4",
        "¾": "3/4",
        "⅕": "1/5",
        "⅛": "1/8",
    }
)

FRACTION_DENOMINATORS: Final = MappingProxyType({2: ("half", "halves"), 4: ("quarter", "quarters")})
"""Denominators with their own word; the others are ordinals ("three fifths")."""

URL_SYMBOLS: Final = MappingProxyType(
    {
        ".": "dot",
        "/": "slash",
        "-": "dash",
        "_": "underscore",
        "@": "at",
        ":": "colon",
        "?": "question mark",
        "=": "equals",
        "&": "and",
        "#": "hash",
        "~": "tilde",
        "+": "plus",
    }
)
"""How punctuation inside a web address or e-mail address is said."""

URL_WORDS: Final = MappingProxyType({"www": "W W W", "com": "com", "org": "org", "gov": "gov"})
"""Address parts with a fixed reading."""

ROMAN_CARDINAL_CONTEXT: Final = frozenset(
    {
        "War",
        "Bowl",
        "Chapter",
        "Part",
        "Phase",
        "Act",
        "Article",
        "Title",
        "Type",
        "Class",
        "Category",
        "Grade",
        "Level",
        "Stage",
        "Volume",
        "Book",
        "Apollo",
        "Vatican",
        "Mark",
        "Schedule",
    }
)
"""Words after which a Roman numeral is a plain number ("World War II" → "World War Two");
after other capitalized words it is a regnal ordinal ("Charles III" → "Charles the Third")."""

TIME_SUFFIXES: Final = MappingProxyType(
    {"a.m.": "a m", "p.m.": "p m", "am": "a m", "pm": "p m", "AM": "a m", "PM": "p m"}
)

DECADE_WORDS: Final = MappingProxyType(
    {
        0: "hundreds",
        10: "tens",
        20: "twenties",
        30: "thirties",
        40: "forties",
        50: "fifties",
        60: "sixties",
        70: "seventies",
        80: "eighties",
        90: "nineties",
    }
)

PHONE_DIGITS: Final = MappingProxyType(
    {
        "0": "zero",
        "1": "one",
        "2": "two",
        "3": "three",
        "4": "four",
        "5": "five",
        "6": "six",
        "7": "seven",
        "8": "eight",
        "9": "nine",
    }
)
