"""Hostile text for the front-end: one generator per class of input that once cost
superlinear time, raised a non-Narrate error, or blew up the spoken length.

Each `HostileCase` builds an input of about `size` characters, so the same class can be
timed at several sizes (growth, not a wall-clock constant, is what the tests assert).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from workers.text.lexicon import Lexicon, LexiconEntry
from workers.text.prepare import InputFormat


def repeat(unit: str, size: int, prefix: str = "", suffix: str = "") -> str:
    """`unit` repeated to about `size` characters between `prefix` and `suffix`."""
    return prefix + unit * max(1, size // max(1, len(unit))) + suffix


@dataclass(frozen=True)
class HostileCase:
    """One class of hostile input."""

    name: str
    make: Callable[[int], str]
    input_format: InputFormat = InputFormat.TEXT
    lexicon: Lexicon | None = None


def lexicon_bomb(levels: int = 4, copies: int = 125) -> tuple[Lexicon, str]:
    """Each entry's replacement is `copies` copies of the next entry's word (issue 10)."""
    words = [f"bomb{chr(ord('a') + i)}" for i in range(levels + 1)]
    entries = [
        LexiconEntry(word, " ".join([following] * copies))
        for word, following in itertools.pairwise(words)
    ]
    return Lexicon.from_entries(entries, phonemes=frozenset()), words[0]


BOMB_LEXICON, BOMB_WORD = lexicon_bomb()

_HTML_PAGE = (
    "<html><head><title>Council budget</title></head><body><article><h1>Council budget</h1>"
    "<p>The council met on Tuesday to discuss the budget for next year.</p>{}"
    "<p>The meeting ended late in the evening after a long debate.</p></article></body></html>"
)


def _html(body: str) -> str:
    return _HTML_PAGE.format(body)


_SSML_NEST = '<speak><say-as interpret-as="cardinal">{}</say-as></speak>'


def _deep(open_tag: str, close_tag: str, size: int, middle: str = "x") -> str:
    depth = max(1, size // (len(open_tag) + len(close_tag)))
    return open_tag * depth + middle + close_tag * depth


CASES: tuple[HostileCase, ...] = (
    # long runs of one character, with and without words around them
    HostileCase("dashes", lambda n: repeat("-", n, "Hello ", " x")),
    HostileCase("dots", lambda n: repeat(".", n, "Hello ", " x")),
    HostileCase("hashes", lambda n: repeat("#", n)),
    HostileCase("hash heading", lambda n: repeat("a", n, "# ")),
    HostileCase("letters", lambda n: repeat("a", n)),
    HostileCase("capitals", lambda n: repeat("A", n)),
    HostileCase("digits", lambda n: repeat("7", n)),
    HostileCase("spaces", lambda n: repeat(" ", n, "Hello", "x")),
    HostileCase("tabs and spaces", lambda n: repeat(" \t", n, "a", ", b")),
    HostileCase("commas", lambda n: repeat(", ", n, "Hello", " x")),
    HostileCase("brackets", lambda n: repeat("[", n, "Hello ", " x")),
    HostileCase("parentheses", lambda n: repeat(" ( ", n, "Hello", " x")),
    HostileCase("angles", lambda n: repeat("<", n, "Hello ", " x")),
    HostileCase("stars", lambda n: repeat(" * ", n, "Hello", " x")),
    HostileCase("ellipses", lambda n: repeat("…", n, "Hello ", " x")),
    HostileCase("bangs", lambda n: repeat("!?", n, "Hello ", " x")),
    HostileCase("heading-like line", lambda n: repeat("word ", n)),
    # repeated tokens
    HostileCase("Dr.", lambda n: repeat("Dr. ", n)),
    HostileCase("U.S.", lambda n: repeat("U.S. ", n)),
    HostileCase("dotted letters", lambda n: repeat("a.", n)),
    HostileCase("hyphenated", lambda n: repeat("a-", n)),
    HostileCase("web address", lambda n: repeat("a.", n, "www.", "com")),
    HostileCase("at signs", lambda n: repeat("a@", n)),
    HostileCase("email-ish", lambda n: repeat("-1", n, "Hello ", "@x")),
    HostileCase("number soup", lambda n: repeat("Nov. 21 1-2 1/2 12:30 $1.5 billion, 3% 5th ", n)),
    HostileCase("acronyms", lambda n: repeat("NASA ABC ", n)),
    HostileCase("roman", lambda n: repeat("X", n, "Louis ")),
    HostileCase("phonemes", lambda n: repeat("[[ a ", n)),
    # huge numbers
    HostileCase("serial number", lambda n: repeat("9", n, "Serial ", " today.")),
    HostileCase("dollars", lambda n: repeat("9", n, "It cost $", " in all.")),
    HostileCase("percent", lambda n: repeat("9", n, "Up ", "% today.")),
    HostileCase("decimal", lambda n: repeat("1", n, "Pi is 3.", " exactly.")),
    HostileCase("ordinal", lambda n: repeat("1", n, "The ", "1st time.")),
    HostileCase("grouped", lambda n: repeat(",000", n, "It was 1", " people.")),
    HostileCase("300-digit numbers", lambda n: repeat(f"Serial {'9' * 298} and {'8' * 298}. ", n)),
    # odd characters
    HostileCase("NUL", lambda n: repeat("a\x00 ", n, "Hello ", ".")),
    HostileCase("controls", lambda n: repeat("\x08\x0b\x1b ok ", n)),
    HostileCase("lone surrogates", lambda n: repeat("\ud800 word \udfff ", n)),
    HostileCase("combining marks", lambda n: repeat("\u0301", n, "a", " b.")),
    HostileCase("zero-width", lambda n: repeat("\u200b", n, "a", " b.")),
    # layout
    HostileCase("many short lines", lambda n: repeat("Subscribe\n", n)),
    HostileCase("menu rows", lambda n: repeat("Home | News | Sport\n", n)),
    HostileCase("blank-line paragraphs", lambda n: repeat("One more.\n\n", n)),
    # Markdown
    HostileCase("md hashes", lambda n: repeat("#", n), InputFormat.MARKDOWN),
    HostileCase("md heading", lambda n: repeat("a ", n, "# "), InputFormat.MARKDOWN),
    HostileCase("md links", lambda n: repeat("[a](", n), InputFormat.MARKDOWN),
    HostileCase("md brackets", lambda n: repeat("[", n, "x"), InputFormat.MARKDOWN),
    HostileCase("md emphasis", lambda n: repeat("*a ", n), InputFormat.MARKDOWN),
    HostileCase("md underscores", lambda n: repeat("_a", n), InputFormat.MARKDOWN),
    HostileCase("md quotes", lambda n: repeat("> ", n, "", "x"), InputFormat.MARKDOWN),
    HostileCase("md list", lambda n: repeat("- a\n", n), InputFormat.MARKDOWN),
    HostileCase("md table", lambda n: repeat("|", n, "", "a"), InputFormat.MARKDOWN),
    HostileCase("md tags", lambda n: repeat("<a ", n), InputFormat.MARKDOWN),
    HostileCase("md setext", lambda n: repeat("=", n, "Title\n"), InputFormat.MARKDOWN),
    HostileCase("md strikes", lambda n: repeat("~~a", n), InputFormat.MARKDOWN),
    # HTML
    HostileCase(
        "html paragraphs",
        lambda n: _html(repeat("<p>One more line of the story.</p>", n)),
        InputFormat.HTML,
    ),
    HostileCase(
        "html long paragraph",
        lambda n: _html(repeat("-", n, "<p>Hello ", " x</p>")),
        InputFormat.HTML,
    ),
    HostileCase(
        "html nesting",
        lambda n: _html(_deep("<div>", "</div>", n, "<p>Deep text.</p>")),
        InputFormat.HTML,
    ),
    HostileCase(
        "html lists",
        lambda n: _html(_deep("<ul><li>", "</li></ul>", n, "Deep item.")),
        InputFormat.HTML,
    ),
    # SSML
    HostileCase(
        "ssml nesting",
        lambda n: _deep("<s>", "</s>", n, "x").join(("<speak>", "</speak>")),
        InputFormat.SSML,
    ),
    HostileCase("ssml say-as", lambda n: _SSML_NEST.format("9" * n), InputFormat.SSML),
    HostileCase(
        "ssml characters",
        lambda n: repeat("ab", n, '<speak><say-as interpret-as="characters">', "</say-as></speak>"),
        InputFormat.SSML,
    ),
    HostileCase(
        "ssml breaks", lambda n: repeat("a<break/>", n, "<speak>", "</speak>"), InputFormat.SSML
    ),
    HostileCase(
        "html heading", lambda n: _html(repeat("a ", n, "<h2>", "</h2>")), InputFormat.HTML
    ),
    HostileCase(
        "html numbers",
        lambda n: _html(repeat("9", n, "<p>Serial ", " today.</p>")),
        InputFormat.HTML,
    ),
    HostileCase(
        "html entities", lambda n: _html(repeat("&amp;", n, "<p>", "</p>")), InputFormat.HTML
    ),
    HostileCase(
        "html controls", lambda n: _html(repeat("a\x00\x08 ", n, "<p>", "</p>")), InputFormat.HTML
    ),
    # the lexicon
    HostileCase("lexicon bomb", lambda n: repeat(f"{BOMB_WORD} ", n), lexicon=BOMB_LEXICON),
)
"""Every class of hostile input, by name."""
