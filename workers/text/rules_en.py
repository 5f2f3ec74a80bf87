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
        "ZIP": "zip",
        "WWII": "World War Two",
        "WWI": "World War One",
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
        "⅖": "2/5",
        "⅗": "3/5",
        "⅘": "4/5",
        "⅙": "1/6",
        "⅚": "5/6",
        "⅐": "1/7",
        "⅛": "1/8",
        "⅜": "3/8",
        "⅝": "5/8",
        "⅞": "7/8",
        "⅑": "1/9",
        "⅒": "1/10",
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
        "Episode",
        "Fantasy",
        "Rocky",
        "Civilization",
        "WrestleMania",
        "Olympiad",
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

MAGNITUDE_WORDS: Final = frozenset({"thousand", "million", "billion", "trillion", "lakh", "crore"})
"""Scale words matched in any case ("$1.5 Billion", "5 MILLION" in headlines)."""

INDIAN_MAGNITUDES: Final = MappingProxyType(
    {"lakh": "lakh", "lakhs": "lakh", "crore": "crore", "crores": "crore", "cr": "crore"}
)
"""Indian scale words ("₹5 crore", "Rs 2 lakh"): said as written, singular after a number."""

MORE_CURRENCY_SYMBOLS: Final = MappingProxyType(
    {
        "AU$": CURRENCY_SYMBOLS["A$"],
        "CA$": CURRENCY_SYMBOLS["C$"],
        "$US": CURRENCY_SYMBOLS["$"],
        "NZ$": Currency("New Zealand dollar", "New Zealand dollars", "cent", "cents"),
        "HK$": Currency("Hong Kong dollar", "Hong Kong dollars", "cent", "cents"),
        "S$": Currency("Singapore dollar", "Singapore dollars", "cent", "cents"),
        "R$": Currency("real", "reais", "centavo", "centavos"),
        "₩": Currency("won", "won", "jeon", "jeon"),
        "Rs.": CURRENCY_SYMBOLS["₹"],
        "Rs": CURRENCY_SYMBOLS["₹"],
        "₦": Currency("naira", "naira", "kobo", "kobo"),
        "₱": Currency("peso", "pesos", "centavo", "centavos"),
        "₺": Currency("lira", "lira", "kurus", "kurus"),
        "₪": Currency("shekel", "shekels", "agora", "agorot"),
        "₫": Currency("dong", "dong", "xu", "xu"),
        "฿": Currency("baht", "baht", "satang", "satang"),
        "₿": Currency("bitcoin", "bitcoins", "satoshi", "satoshis"),
    }
)
"""Currency prefixes beyond `CURRENCY_SYMBOLS` (regional dollars, won, "Rs")."""

MORE_CURRENCY_CODES: Final = MappingProxyType(
    {
        "KRW": MORE_CURRENCY_SYMBOLS["₩"],
        "CNY": Currency("yuan", "yuan", "fen", "fen"),
        "RMB": Currency("yuan", "yuan", "fen", "fen"),
        "CHF": Currency("Swiss franc", "Swiss francs", "centime", "centimes"),
        "NZD": MORE_CURRENCY_SYMBOLS["NZ$"],
        "HKD": MORE_CURRENCY_SYMBOLS["HK$"],
        "SGD": MORE_CURRENCY_SYMBOLS["S$"],
        "ZAR": Currency("rand", "rand", "cent", "cents"),
        "MXN": Currency("Mexican peso", "Mexican pesos", "centavo", "centavos"),
        "BRL": MORE_CURRENCY_SYMBOLS["R$"],
        "SEK": Currency("Swedish krona", "Swedish kronor", "öre", "öre"),
        "NOK": Currency("Norwegian krone", "Norwegian kroner", "øre", "øre"),
        "DKK": Currency("Danish krone", "Danish kroner", "øre", "øre"),
        "PLN": Currency("zloty", "zlotys", "grosz", "groszy"),
        "NGN": MORE_CURRENCY_SYMBOLS["₦"],
        "PKR": Currency("Pakistani rupee", "Pakistani rupees", "paisa", "paise"),
        "BTC": MORE_CURRENCY_SYMBOLS["₿"],
    }
)
"""ISO 4217 codes beyond `CURRENCY_CODES`."""

CURRENCY_WORDS: Final = MappingProxyType(
    {
        "dollar": "dollars",
        "euro": "euros",
        "pound": "pounds",
        "rupee": "rupees",
        "yen": "yen",
        "won": "won",
        "yuan": "yuan",
        "peso": "pesos",
        "cent": "cents",
    }
)
"""Currency nouns: after an amount used as an adjective the singular is said
("a five million dollar deal")."""

DETERMINERS: Final = frozenset(
    {"a", "an", "the", "A", "An", "The", "this", "This", "that", "its", "their", "his", "her"}
    | {"our", "whose", "another", "each", "every"}
)
"""Words before an amount that make it an adjective when a noun follows ("a $5 million deal")."""

NOT_NOUNS: Final = frozenset(
    {"in", "of", "to", "for", "from", "on", "at", "by", "with", "into", "over", "and", "or"}
    | {"was", "is", "are", "were", "be", "been", "will", "would", "could", "should", "has"}
    | {"had", "have", "that", "which", "who", "it", "he", "she", "they", "we", "you", "as"}
    | {"than", "more", "less", "a", "an", "the", "per", "each", "last", "this", "next"}
    | {"so", "but", "if", "when", "after", "before", "until", "since", "up", "down", "off"}
    | {"out", "back", "too", "already", "yet", "still", "now", "then", "there", "here"}
    | {"deficit", "shortfall", "loan", "worth", "raised", "lost", "earned", "spent"}
)
"""Words after an amount that show it is not an adjective ("the $5 million in aid")."""

SCORE_WORDS: Final = frozenset(
    {"won", "win", "wins", "winning", "beat", "beats", "beating", "lost", "lose", "loses"}
    | {"losing", "defeated", "defeat", "defeats", "drew", "draw", "draws", "drawn", "led"}
    | {"leads", "lead", "leading", "trailed", "trail", "trailing", "edged", "thrashed"}
    | {"routed", "victory", "loss", "triumph", "score", "scored", "scoreline", "final"}
    | {"crushed", "downed", "sank", "stunned", "upset", "humbled", "hammered", "blanked"}
    | {"whitewash", "rout", "thriller", "tie", "tied", "up", "down", "series", "aggregate"}
)
"""Words near "3-1" that make it a score ("three–one"), not a range ("three to one")."""

YEAR_CONTEXT: Final = frozenset(
    {"in", "since", "by", "of", "until", "till", "before", "after", "from", "during"}
    | {"around", "circa", "c.", "early", "late", "mid", "year", "summer", "winter"}
    | {"spring", "autumn", "fall", "season", "to", "through", "between", "and", "In"}
    | {"Since", "By", "Until", "Before", "After", "From", "During", "Around", "Circa"}
    | {"Between", "born", "died", "founded", "established", "est.", "built", "the"}
)
"""Words before a four-digit number that make it a year ("in 1500")."""

IRREGULAR_PLURALS: Final = frozenset(
    {"people", "men", "women", "children", "feet", "teeth", "mice", "geese", "police"}
    | {"staff", "sheep", "fish", "deer", "cattle", "personnel", "crew", "more", "new"}
    | {"other", "additional", "extra", "fewer", "of"}
)
"""Words after a four-digit number that make it a count ("1500 people")."""

NOT_PLURALS: Final = frozenset(
    {"was", "has", "is", "its", "this", "us", "as", "his", "does", "towards", "whereas"}
    | {"thus", "plus", "minus", "across", "versus", "always", "perhaps", "afterwards"}
)
"""Words ending in "s" that are not plural nouns."""

DURATION_UNITS: Final = (("hour", "hours"), ("minute", "minutes"), ("second", "seconds"))

TIME_WORDS: Final = MappingProxyType({"noon": "noon", "midnight": "midnight"})

MORE_UNITS: Final = MappingProxyType(
    {
        "KM": ("kilometer", "kilometers"),
        "Km": ("kilometer", "kilometers"),
        "kms": ("kilometer", "kilometers"),
        "Kms": ("kilometer", "kilometers"),
        "KMS": ("kilometer", "kilometers"),
        "KG": ("kilogram", "kilograms"),
        "Kg": ("kilogram", "kilograms"),
        "kgs": ("kilogram", "kilograms"),
        "CM": ("centimeter", "centimeters"),
        "MM": ("millimeter", "millimeters"),
        "MPH": ("mile per hour", "miles per hour"),
        "kmph": ("kilometer per hour", "kilometers per hour"),
        "kmh": ("kilometer per hour", "kilometers per hour"),
        "km/hr": ("kilometer per hour", "kilometers per hour"),
        "KMH": ("kilometer per hour", "kilometers per hour"),
        "KPH": ("kilometer per hour", "kilometers per hour"),
        "m/s²": ("meter per second squared", "meters per second squared"),
        "m/s2": ("meter per second squared", "meters per second squared"),
        "m2": ("square meter", "square meters"),
        "m3": ("cubic meter", "cubic meters"),
        "m³": ("cubic meter", "cubic meters"),
        "km2": ("square kilometer", "square kilometers"),
        "cm2": ("square centimeter", "square centimeters"),
        "cm²": ("square centimeter", "square centimeters"),
        "cm3": ("cubic centimeter", "cubic centimeters"),
        "cm³": ("cubic centimeter", "cubic centimeters"),
        "ft²": ("square foot", "square feet"),
        "sq ft": ("square foot", "square feet"),
        "sq. ft.": ("square foot", "square feet"),
        "sq. ft": ("square foot", "square feet"),
        "sqft": ("square foot", "square feet"),
        "sq m": ("square meter", "square meters"),
        "sq mi": ("square mile", "square miles"),
        "acres": ("acre", "acres"),
        "yd": ("yard", "yards"),
        "yds": ("yard", "yards"),
        "in.": ("inch", "inches"),
        "ft.": ("foot", "feet"),
        "lb.": ("pound", "pounds"),
        "lbs.": ("pound", "pounds"),
        "oz.": ("ounce", "ounces"),
        "yd.": ("yard", "yards"),
        "mi.": ("mile", "miles"),
        "gal.": ("gallon", "gallons"),
        "hr.": ("hour", "hours"),
        "hrs.": ("hour", "hours"),
        "sq. mi.": ("square mile", "square miles"),
        "sq. km": ("square kilometer", "square kilometers"),
        "gal": ("gallon", "gallons"),
        "mL": ("milliliter", "milliliters"),
        "cl": ("centiliter", "centiliters"),
        "cc": ("cubic centimeter", "cubic centimeters"),
        "tsp": ("teaspoon", "teaspoons"),
        "tbsp": ("tablespoon", "tablespoons"),
        "fl oz": ("fluid ounce", "fluid ounces"),
        "µm": ("micrometer", "micrometers"),
        "μm": ("micrometer", "micrometers"),
        "nm": ("nanometer", "nanometers"),
        "µg": ("microgram", "micrograms"),
        "mcg": ("microgram", "micrograms"),
        "ng": ("nanogram", "nanograms"),
        "° C": ("degree Celsius", "degrees Celsius"),
        "° F": ("degree Fahrenheit", "degrees Fahrenheit"),
        "ºC": ("degree Celsius", "degrees Celsius"),
        "ºF": ("degree Fahrenheit", "degrees Fahrenheit"),
        "C": ("degree Celsius", "degrees Celsius"),
        "F": ("degree Fahrenheit", "degrees Fahrenheit"),
        "TW": ("terawatt", "terawatts"),
        "TWh": ("terawatt hour", "terawatt hours"),
        "kV": ("kilovolt", "kilovolts"),
        "mA": ("milliamp", "milliamps"),
        "mAh": ("milliamp hour", "milliamp hours"),
        "kJ": ("kilojoule", "kilojoules"),
        "kcal": ("kilocalorie", "kilocalories"),
        "cal": ("calorie", "calories"),
        "hPa": ("hectopascal", "hectopascals"),
        "kPa": ("kilopascal", "kilopascals"),
        "psi": ("P S I", "P S I"),
        "dB": ("decibel", "decibels"),
        "kn": ("knot", "knots"),
        "kt": ("knot", "knots"),
        "ppm": ("part per million", "parts per million"),
        "ppb": ("part per billion", "parts per billion"),
        "bps": ("bit per second", "bits per second"),
        "kbps": ("kilobit per second", "kilobits per second"),
        "Kbps": ("kilobit per second", "kilobits per second"),
        "Mbps": ("megabit per second", "megabits per second"),
        "Mb/s": ("megabit per second", "megabits per second"),
        "Gbps": ("gigabit per second", "gigabits per second"),
        "Gb/s": ("gigabit per second", "gigabits per second"),
        "MB/s": ("megabyte per second", "megabytes per second"),
        "Mb": ("megabit", "megabits"),
        "Gb": ("gigabit", "gigabits"),
        "PB": ("petabyte", "petabytes"),
        "kB": ("kilobyte", "kilobytes"),
        "Gt": ("gigatonne", "gigatonnes"),
        "Mt": ("megatonne", "megatonnes"),
        "mpg": ("mile per gallon", "miles per gallon"),
        "rpm": ("revolution per minute", "revolutions per minute"),
        "km/s": ("kilometer per second", "kilometers per second"),
        "mi/h": ("mile per hour", "miles per hour"),
        "ft/s": ("foot per second", "feet per second"),
        "fps": ("frame per second", "frames per second"),
        "MPa": ("megapascal", "megapascals"),
        "GPa": ("gigapascal", "gigapascals"),
        "kN": ("kilonewton", "kilonewtons"),
        "min": ("minute", "minutes"),
        "mins": ("minute", "minutes"),
        "h": ("hour", "hours"),
        "yr": ("year", "years"),
        "yrs": ("year", "years"),
        "ns": ("nanosecond", "nanoseconds"),
        "µs": ("microsecond", "microseconds"),
    }
)
"""More unit spellings after a number: capitals and glued forms ("40KM", "30C")."""

PER_UNITS: Final = MappingProxyType(
    {
        "h": "hour",
        "hr": "hour",
        "hour": "hour",
        "s": "second",
        "sec": "second",
        "min": "minute",
        "day": "day",
        "d": "day",
        "week": "week",
        "wk": "week",
        "month": "month",
        "yr": "year",
        "year": "year",
        "kg": "kilogram",
        "g": "gram",
        "lb": "pound",
        "l": "liter",
        "L": "liter",
        "m": "meter",
        "m2": "square meter",
        "m²": "square meter",
        "m3": "cubic meter",
        "m³": "cubic meter",
        "km": "kilometer",
        "mi": "mile",
        "ft": "foot",
        "sq ft": "square foot",
        "gal": "gallon",
        "gallon": "gallon",
        "litre": "litre",
        "liter": "liter",
        "kWh": "kilowatt hour",
        "MWh": "megawatt hour",
        "dl": "deciliter",
        "dL": "deciliter",
        "ml": "milliliter",
        "mL": "milliliter",
        "oz": "ounce",
        "person": "person",
        "head": "head",
        "share": "share",
        "barrel": "barrel",
        "bbl": "barrel",
        "tonne": "tonne",
        "t": "tonne",
        "night": "night",
        "unit": "unit",
        "capita": "capita",
        "annum": "annum",
        "sq m": "square meter",
    }
)
"""What may follow "/" after an amount with a unit, read "per …" ("$4/gallon", "60 km/h")."""

STREET_SUFFIXES: Final = MappingProxyType(
    {
        "St": "Street",
        "Street": "Street",
        "Ave": "Avenue",
        "Av": "Avenue",
        "Avenue": "Avenue",
        "Blvd": "Boulevard",
        "Boulevard": "Boulevard",
        "Rd": "Road",
        "Road": "Road",
        "Dr": "Drive",
        "Drive": "Drive",
        "Ln": "Lane",
        "Lane": "Lane",
        "Ct": "Court",
        "Court": "Court",
        "Pl": "Place",
        "Place": "Place",
        "Pkwy": "Parkway",
        "Parkway": "Parkway",
        "Hwy": "Highway",
        "Highway": "Highway",
        "Ter": "Terrace",
        "Terr": "Terrace",
        "Terrace": "Terrace",
        "Cir": "Circle",
        "Circle": "Circle",
        "Sq": "Square",
        "Square": "Square",
        "Way": "Way",
        "Cres": "Crescent",
        "Crescent": "Crescent",
        "Expy": "Expressway",
        "Fwy": "Freeway",
        "Trl": "Trail",
        "Plz": "Plaza",
        "Plaza": "Plaza",
        "Sts": "Streets",
        "Aly": "Alley",
        "Row": "Row",
        "Close": "Close",
        "Mews": "Mews",
        "Hill": "Hill",
        "Gardens": "Gardens",
        "Marg": "Marg",
        "Parade": "Parade",
        "Pde": "Parade",
    }
)
"""Street types after a numbered, capitalized name ("221 Baker St." → "Baker Street")."""

DIRECTIONS: Final = MappingProxyType(
    {
        "N": "North",
        "S": "South",
        "E": "East",
        "W": "West",
        "NE": "Northeast",
        "NW": "Northwest",
        "SE": "Southeast",
        "SW": "Southwest",
    }
)
"""Compass points in addresses ("E. 42nd St.", "1600 Pennsylvania Ave. NW")."""

US_STATES: Final = MappingProxyType(
    {
        "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas",
        "CA": "California", "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware",
        "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
        "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
        "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
        "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
        "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
        "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
        "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
        "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
        "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
        "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
        "DC": "D C",
        # AP style
        "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California",
        "Colo.": "Colorado", "Conn.": "Connecticut", "Del.": "Delaware", "Fla.": "Florida",
        "Ga.": "Georgia", "Ill.": "Illinois", "Ind.": "Indiana", "Kan.": "Kansas",
        "Ky.": "Kentucky", "La.": "Louisiana", "Md.": "Maryland", "Mass.": "Massachusetts",
        "Mich.": "Michigan", "Minn.": "Minnesota", "Miss.": "Mississippi", "Mo.": "Missouri",
        "Mont.": "Montana", "Neb.": "Nebraska", "Nev.": "Nevada", "N.H.": "New Hampshire",
        "N.J.": "New Jersey", "N.M.": "New Mexico", "N.Y.": "New York",
        "N.C.": "North Carolina", "N.D.": "North Dakota", "Okla.": "Oklahoma",
        "Ore.": "Oregon", "Pa.": "Pennsylvania", "R.I.": "Rhode Island",
        "S.C.": "South Carolina", "S.D.": "South Dakota", "Tenn.": "Tennessee",
        "Vt.": "Vermont", "Va.": "Virginia", "Wash.": "Washington", "W.Va.": "West Virginia",
        "Wis.": "Wisconsin", "Wyo.": "Wyoming", "D.C.": "D C",
    }
)  # fmt: skip
"""US state codes (postal and AP style), read as names after "City, "."""

AU_STATES: Final = frozenset(
    {"NSW", "VIC", "Vic", "QLD", "Qld", "WA", "SA", "TAS", "Tas", "ACT", "NT"}
)
"""Australian states: a four-digit postcode after one is read digit by digit."""

ROMAN_TITLES: Final = frozenset(
    {"King", "Queen", "Pope", "Emperor", "Empress", "Tsar", "Czar", "Tsarina", "Sultan"}
    | {"Prince", "Princess", "Kaiser", "Shah", "Pharaoh", "Saint", "Duke", "Earl", "Lord"}
)
"""Titles before a name that make a following numeral regnal, even "I" ("Queen Elizabeth I")."""

REGNAL_NAMES: Final = frozenset(
    {"Henry", "Charles", "Louis", "George", "Edward", "William", "Pius", "Leo", "Gregory"}
    | {"Benedict", "John", "Paul", "Richard", "James", "Philip", "Frederick", "Ferdinand"}
    | {"Alfonso", "Carlos", "Gustav", "Christian", "Olav", "Haakon", "Harald", "Rama"}
    | {"Constantine", "Alexander", "Nicholas", "Peter", "Ivan", "Innocent", "Clement"}
    | {"Urban", "Boniface", "Sixtus", "Elizabeth", "Mary", "Victoria", "Anne", "Ludwig"}
    | {"Otto", "Wilhelm", "Francis", "Joseph", "Leopold", "Felipe", "Willem", "Carl"}
    | {"Gustaf", "Pedro", "Manuel", "Victor", "Emmanuel", "Umberto", "Mohammed", "Hassan"}
    | {"Abdullah", "Hussein", "Frederik", "Margrethe", "Stephen", "Malcolm", "David"}
    | {"Robert", "Martin", "Sancho", "Casimir", "Sigismund", "Rudolf", "Albert", "Baudouin"}
)
"""Names after which a one-letter numeral ("Henry V", "Pius X") is regnal. "Malcolm X" is
listed so that the rule can refuse it: see `ROMAN_NOT_NUMERALS`."""

ROMAN_NOT_NUMERALS: Final = frozenset({"Malcolm X", "Generation X", "Gen X", "Mac OS X"})
"""Names with a letter that looks like a numeral but is read as the letter."""

ROMAN_CARDINAL_LOWER: Final = frozenset(
    {"phase", "stage", "class", "type", "category", "part", "chapter", "volume", "title"}
    | {"act", "article", "grade", "level", "tier", "step", "section", "schedule", "annex"}
    | {"appendix", "book", "round", "division"}
)
"""Lower-case words after which a Roman numeral is a number ("phase III trials")."""

CITATION_ABBREVIATIONS: Final = MappingProxyType(
    {
        "Sec.": "section",
        "sec.": "section",
        "Secs.": "sections",
        "§": "section",
        "§§": "sections",
        "Art.": "article",
        "art.": "article",
        "Arts.": "articles",
        "para.": "paragraph",
        "Para.": "paragraph",
        "paras.": "paragraphs",
        "vol.": "volume",
        "Vols.": "volumes",
        "ch.": "chapter",
        "Chap.": "chapter",
        "chap.": "chapter",
        "Fig.": "figure",
        "fig.": "figure",
        "Figs.": "figures",
        "Eq.": "equation",
        "Ex.": "exhibit",
        "Pt.": "part",
        "pt.": "part",
        "cl.": "clause",
        "Cl.": "clause",
        "Amdt.": "amendment",
        "No": "number",
        "Nr.": "number",
        "Ord.": "ordinance",
        "Reg.": "regulation",
        "Ed.": "edition",
        "ed.": "edition",
        "Apt.": "apartment",
        "Ste.": "suite",
        "Rm.": "room",
        "Bldg.": "building",
        "Fl.": "floor",
        "Ext.": "extension",
        "c.": "circa",
        "ext.": "extension",
        "Rte.": "Route",
        "Hwy.": "Highway",
    }
)
"""Abbreviations read only before a number ("Sec. 230", "Art. 5", "Apt. 4B")."""

MORE_ABBREVIATIONS: Final = MappingProxyType(
    {
        "Gens.": "Generals",
        "Reps.": "Representatives",
        "Sens.": "Senators",
        "Adj.": "Adjutant",
        "Cpl.": "Corporal",
        "Pvt.": "Private",
        "Sgt. Maj.": "Sergeant Major",
        "Msgr.": "Monsignor",
        "Atty.": "Attorney",
        "Gov.-elect": "Governor-elect",
        "Insp.": "Inspector",
        "Det.": "Detective",
        "Const.": "Constable",
        "Supt": "Superintendent",
        "Esq.": "Esquire",
        "Ph.D.": "P H D",
        "PhD": "P H D",
        "Messrs.": "Messieurs",
        "Mme.": "Madame",
        "Mlle.": "Mademoiselle",
        "Hosp.": "Hospital",
        "Natl.": "National",
        "Govt.": "Government",
        "govt.": "government",
        "Admin.": "Administration",
        "Mgr.": "Manager",
        "Mfg.": "Manufacturing",
        "Cos.": "Companies",
        "Ltd": "Limited",
        "Pty": "Proprietary",
        "Pvt": "Private",
        "Plc": "P L C",
        "plc": "P L C",
        "LLC": "L L C",
        "Inc": "Incorporated",
        "Corp": "Corporation",
        "yrs.": "years",
        "mos.": "months",
        "hrs.": "hours",
        "mins.": "minutes",
        "secs.": "seconds",
        "wk.": "week",
        "Ave": "Avenue",
        "Blvd": "Boulevard",
        "Mt": "Mount",
        "Ft": "Fort",
        "Jct.": "Junction",
        "Bros": "Brothers",
        "w/": "with",
        "a.k.a.": "also known as",
        "aka": "also known as",
        "viz.": "namely",
        "et al.": "and others",
        "ibid.": "ibidem",
        "Tue.": "Tuesday",
        "Tues.": "Tuesday",
        "Wed.": "Wednesday",
        "Thu.": "Thursday",
        "Thurs.": "Thursday",
        "Fri.": "Friday",
        "dept.": "department",
        "vs": "versus",
        "v": "versus",
        "Govs.": "Governors",
    }
)
"""More dotted and undotted abbreviations (AP and UK styles)."""

PROGRAMMING_NAMES: Final = MappingProxyType(
    {"C#": "C sharp", "F#": "F sharp", "C++": "C plus plus", ".NET": "dot net"}
)
"""Names of programming languages and platforms that the symbol rules would misread."""
