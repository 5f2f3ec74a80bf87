"""Page furniture in scraped text: which lines are the story and which are the page around it.

Each line is scored by features, never by one site's phrases: how much it reads like
prose (length, final punctuation) against cues of furniture (calls to action, form
labels, navigation and section labels, share prompts, cookie notices, teasers, photo
credits, AI-audio labels, timestamps, copyright lines, payment logos, fundraising
vocabulary, lines repeated on the page). The story is the run of lines with the
highest total score; inside it, furniture lines and teasers (a headline followed by a
cut-off blurb, or a "Related:" line) are dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Final, NamedTuple

from workers.text.rules import ends_sentence, is_heading_line


class Cue(NamedTuple):
    """A feature of page furniture: lines matching `pattern` lose `weight` points."""

    name: str
    pattern: re.Pattern[str]
    weight: float
    short_only: bool = False
    """Only counts on lines of at most `SHORT_LINE_WORDS` words (labels, not prose)."""


def _cue(name: str, pattern: str, weight: float, *, short_only: bool = False) -> Cue:
    return Cue(name, re.compile(pattern, re.IGNORECASE), weight, short_only)


SHORT_LINE_WORDS: Final = 12
STRONG_FURNITURE: Final = 4.0
"""A line with at least this much furniture weight is dropped however prose-like it is."""

PROSE_POINTS_PER_WORD: Final = 0.2
MAX_PROSE_POINTS: Final = 6.0
MIN_PROSE_WORDS: Final = 5
REPEATED_LINE_WEIGHT: Final = 4.0
MAX_LINE_PENALTY: Final = 3.0
PAGE_PROMPT_PENALTY: Final = 1.0
"""What a page prompt costs the story run around it (see `best_run`)."""
HEAD_LOOKBACK: Final = 6
"""How many lines above the story's first paragraph may hold its byline and headline."""
MAX_CUE_REPEATS: Final = 3
"""A cue found several times in a line ("our readers … our mission … help us") counts up to
this many times: one fundraising phrase can be quoted in a story, four make an appeal."""

SECTION_LABELS: Final = frozenset(
    {
        "ad",
        "advertisement",
        "article continues below",
        "article continues below advertisement",
        "article continues after advertisement",
        "back to top",
        "comments",
        "contact us",
        "continue reading below",
        "discussion about this post",
        "continue reading",
        "editors picks",
        "follow us",
        "home",
        "latest",
        "latest news",
        "leave a comment",
        "listen",
        "listen to this article",
        "log in",
        "menu",
        "more from",
        "more news",
        "more stories",
        "most popular",
        "most read",
        "news feed",
        "newsletter",
        "print",
        "read more",
        "read next",
        "recommended",
        "related",
        "related articles",
        "related stories",
        "search",
        "see also",
        "share",
        "share this article",
        "share this story",
        "share this",
        "sign up",
        "subscribe",
        "subscribe now",
        "sign in",
        "sponsored",
        "sponsored content",
        "story continues below",
        "story continues below advertisement",
        "story continues after advertisement",
        "top stories",
        "trending",
        "watch",
        "you may also like",
    }
)
"""Lines that are only one of these labels (case and punctuation aside) are navigation."""

TIMESTAMP: Final = (
    r"^(?:(?:updated|posted|published):?\s*)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4})?$"
    r"|^\d+\s+(?:minutes?|hours?|days?|weeks?)\s+ago$"
)
READING_TIME: Final = r"^\d+\s*min(?:ute)?s?\s*read$"
_TIME_LINE: Final = re.compile(f"{TIMESTAMP}|{READING_TIME}", re.IGNORECASE)

CUES: Final[tuple[Cue, ...]] = (
    _cue("form", r"indicates required|required field|enter (?:your |correct )?e-?mail", 6),
    _cue("form result", r"success\w* subscribed|thank(?:s| you) for (?:signing up|subscrib)", 6),
    _cue("confirmation", r"sent you a confirmation|check your inbox", 4),
    _cue(
        "call to action",
        r"\b(?:subscribe|sign up|log in|sign in|register now|donate)\b",
        4,
        short_only=True,
    ),
    _cue(
        "membership",
        r"\b(?:become a (?:member|subscriber|supporter|patron)|gift (?:a )?"
        r"membership)\b",
        4,
    ),
    _cue("navigation", r"^skip to (?:main )?content\b|^jump to\b|^back to top\b", 6),
    _cue(
        "share", r"^(?:share|tweet|print|email|copy link|save)(?: (?:on|this|article|via)\b.*)?$", 5
    ),
    _cue("menu row", r"^[^|•·»]+(?:\s[|•·»]\s[^|•·»]+){2,}$", 5, short_only=True),
    _cue(
        "share row",
        r"\b(?:facebook|twitter|linkedin|whatsapp|telegram|reddit)\b",
        2,
        short_only=True,
    ),
    _cue(
        "comments", r"^\d*\s*comments?\b|\bleave a (?:comment|reply)\b|\bjoin the conversation\b", 4
    ),
    _cue("cookies", r"\bcookies?\b|\bprivacy (?:policy|settings)\b|\baccept all\b", 4),
    _cue(
        "teaser label",
        r"^(?:related|read more|read also|also read|see also|more on this|watch|"
        r"listen|recommended|read next|opinion|explainer)\s*(?:[:|»›>-]|$)",
        6,
    ),
    _cue("cut-off blurb", r"(?:…|\.\.\.)\s*$", 3),
    _cue("inline bullets", r"\s[*•]\s.+\s[*•]\s", 4),
    _cue(
        "photo credit",
        r"\((?:photo|image|photograph|credit|courtesy|illustration|video)\b[^()]*\)"
        r"|\b(?:getty images|shutterstock|ap photo|afp via|reuters/)",
        6,
    ),
    _cue(
        "caption label",
        r"^(?:photo|image|pictured|credit|photograph|illustration|file photo|"
        r"caption)\s*[:/|]",
        6,
    ),
    _cue("credit after caption", r"[.!?]\s*\([^()]{2,60}\)\s*$", 5),
    _cue(
        "ai audio label",
        r"^(?=.*\b(?:audio|narrat\w*|voiced?|read aloud|listen\w*)\b)"
        r"(?=.*\b(?:ai|artificial intelligence|automated|synthetic|text-to-speech|"
        r"computer-generated)\b)",
        6,
        short_only=True,
    ),
    _cue(
        "listen prompt",
        r"^listen to (?:this|the) (?:article|story)|(?<!\d)\d+\s*min(?:ute)?s? listen\b",
        6,
    ),
    _cue("timestamp", TIMESTAMP, 6),
    _cue("reading time", READING_TIME, 6),
    _cue("copyright", r"^(?:©|\(c\)|copyright\b)|\ball rights reserved\b", 6),
    _cue(
        "payment logos",
        r"\b(?:visa|mastercard|paypal|american ?express|apple pay)\b",
        4,
        short_only=True,
    ),
    _cue(
        "appeal",
        r"\b(?:our (?:readers|reporting|journalism|mission|community|newsroom|work)|"
        r"readers like you|funded by|financial contribution|fund our|support (?:us|our)|"
        r"help us|supporters|new members|membership|donat\w+|paywall|independent journalism)\b",
        2.5,
    ),
    _cue("advertisement", r"^(?:advertisement|sponsored(?: content)?|ad|promoted)$", 6),
)
"""Furniture features and their weights. Add a row to teach the cleaner a new kind."""

PAGE_PROMPT: Final = re.compile(
    r"^(?:(?:read more|read also|also read|related|see also|more on this(?: story)?|watch|"
    r"listen|read next|recommended|more from)\s*[:|»›>]"
    r"|(?:sign up|subscribe) (?:for|to|now|here)\b|get (?:the|our) [\w' ]{0,40}newsletter\b"
    r"|(?:the )?(?:story|article) continues (?:below|after)\b"
    r"|thanks for reading\b.*\bsubscribe\b|share (?:this|on)\b|\* indicates required"
    r"|enter your e-?mail\b)",
    re.IGNORECASE,
)
"""The opening of a line that only page furniture says: a teaser label, a sign-up or share
prompt, a form label."""

PAGE_PROMPT_CUE: Final = "page prompt"

MAX_PROMPT_WORDS: Final = 20
"""A prompt is short: a longer line that opens like one ("Sign up for the lottery opens…")
is read as prose."""


def is_page_prompt(text: str) -> bool:
    """True for a line the page says around every story: a section or advertisement label
    ("Story continues below advertisement"), a teaser label ("Read more: …"), a sign-up or
    share prompt. Evidence enough to drop a line whatever else it holds."""
    return label(text) in SECTION_LABELS or (
        len(text.split()) <= MAX_PROMPT_WORDS and bool(PAGE_PROMPT.search(text.strip()))
    )


_TEASER_END: Final = re.compile(r"(?:…|\.\.\.)\s*$")
_NAME: Final = r"[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}"
_BYLINE: Final = re.compile(rf"^[Bb]y\s+(?P<author>{_NAME}(?:(?:,\s*|\s+and\s+){_NAME})*)")
_PROSE_WORD: Final = re.compile(r"\b[a-z]{4,}\b")
_LABEL_CHARS: Final = re.compile(r"[^a-z ]+")


@dataclass(frozen=True)
class ScoredLine:
    """One non-blank line of the page with its scores."""

    index: int
    text: str
    prose: float
    furniture: float
    cues: tuple[str, ...]

    @property
    def score(self) -> float:
        return self.prose - self.furniture

    @property
    def is_heading(self) -> bool:
        return is_heading_line(self.text)

    @property
    def is_furniture(self) -> bool:
        return self.furniture >= STRONG_FURNITURE or (
            self.furniture > 0 and self.furniture >= self.prose
        )


def score_lines(lines: list[str]) -> list[ScoredLine]:
    """Score every non-blank line; `index` is its position in `lines`."""
    counts = Counter(label(line) for line in lines if line.strip())
    following = _next_lines(lines)
    scored = []
    for index, raw in enumerate(lines):
        text = raw.strip()
        if not text:
            continue
        words = len(text.split())
        cues = [
            cue
            for cue in CUES
            if (not cue.short_only or words <= SHORT_LINE_WORDS) and cue.pattern.search(text)
        ]
        furniture = sum(
            cue.weight * min(len(cue.pattern.findall(text)), MAX_CUE_REPEATS) for cue in cues
        )
        names = [cue.name for cue in cues]
        if label(text) in SECTION_LABELS:
            furniture += STRONG_FURNITURE
            names.append("section label")
        if is_page_prompt(text):
            furniture = max(furniture, STRONG_FURNITURE)
            names.append(PAGE_PROMPT_CUE)
        prose = 0.0  # a cut-off blurb ("…") ends like a sentence but is a teaser
        if ends_sentence(text) and not _TEASER_END.search(text) and words >= MIN_PROSE_WORDS:
            prose = min(words * PROSE_POINTS_PER_WORD, MAX_PROSE_POINTS)
        if (
            counts[label(text)] > 1
            and words <= SHORT_LINE_WORDS
            and not prose
            and not _introduces_prose(text, following[index])
        ):
            # Repeated labels ("Subscribe") are page chrome; a repeated sentence is prose,
            # and so is a repeated heading over prose (the story's own structure).
            furniture += REPEATED_LINE_WEIGHT
            names.append("repeated")
        scored.append(ScoredLine(index, text, prose, furniture, tuple(names)))
    return scored


def _next_lines(lines: list[str]) -> list[str]:
    """For each line, the next non-blank line after it (stripped; "" at the end)."""
    following = [""] * len(lines)
    after = ""
    for index in range(len(lines) - 1, -1, -1):
        following[index] = after
        if lines[index].strip():
            after = lines[index].strip()
    return following


def _introduces_prose(text: str, following: str) -> bool:
    """A heading over a line of prose: a heading of the story (furniture's headings sit over
    links, labels and cut-off blurbs)."""
    return (
        is_heading_line(text)
        and ends_sentence(following)
        and not _TEASER_END.search(following)
        and len(following.split()) >= MIN_PROSE_WORDS
    )


def label(text: str) -> str:
    """`text` as labels compare: lowercase letters and single spaces only."""
    return " ".join(_LABEL_CHARS.sub(" ", text.lower().replace("'", "")).split())


def best_run(scored: list[ScoredLine]) -> tuple[int, int]:
    """[start, end) positions in `scored` of the run with the highest total score (Kadane).

    Each line costs at most `MAX_LINE_PENALTY`, so an advertisement or appeal box inside
    the story does not cut it in two, while a long block of furniture still ends it.
    """
    best, best_span = 0.0, (0, 0)
    total, start = 0.0, 0
    for position, line in enumerate(scored):
        if total <= 0:
            total, start = 0.0, position
        # A page prompt ("Story continues below advertisement") is surely furniture and is
        # dropped anyway: it costs the run little, so it does not cut the story in two.
        penalty = PAGE_PROMPT_PENALTY if PAGE_PROMPT_CUE in line.cues else MAX_LINE_PENALTY
        total += max(line.score, -penalty)
        if total > best:
            best, best_span = total, (start, position + 1)
    return best_span


@dataclass(frozen=True)
class StoryLines:
    """What the cleaner kept, and what it learned about the article on the way."""

    lines: list[ScoredLine]
    title: str | None = None
    author: str | None = None


def story_lines(text: str, scored: list[ScoredLine] | None = None) -> StoryLines:
    """The lines of the story in `text`, in order, without the page around them.

    `scored` is `score_lines` of the text's lines, when the caller already has it.
    """
    if scored is None:
        scored = score_lines(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    start, end = best_run(scored)
    title, author, start = _head_of_story(scored, start)
    run = scored[start:end]
    kept = [
        line
        for position, line in enumerate(run)
        if not line.is_furniture
        and not _is_teaser_headline(run, position)
        and not _is_metadata(line)
    ]
    while kept and kept[-1].is_heading:  # a heading introduces text; at the end it is a teaser
        kept.pop()
    return StoryLines(kept, title, author)


def _is_teaser_headline(run: list[ScoredLine], position: int) -> bool:
    """A headline that leads into furniture (a cut-off blurb, a label) belongs to a teaser."""
    line = run[position]
    if not line.is_heading or position + 1 == len(run):
        return False
    following = run[position + 1]
    adjacent = following.index == line.index + 1
    return following.is_furniture or (adjacent and bool(_TEASER_END.search(following.text)))


def _head_of_story(scored: list[ScoredLine], start: int) -> tuple[str | None, str | None, int]:
    """The headline and byline at the story's top; returns the title, the author and the new
    start (the headline's position) when found.

    The byline is looked for a few lines around the story's first line; the headline is the
    heading above it, past furniture, a dateline and at most one standfirst (which is
    kept: it is the story's summary). With no byline, the headline is the heading right
    above the first line, past captions, prompts and datelines.
    """
    around = range(max(start - HEAD_LOOKBACK, 0), min(start + HEAD_LOOKBACK, len(scored)))
    byline = next((p for p in around if _byline(scored[p].text)), None)
    if byline is None:
        return _heading_above(scored, start, None, standfirst=False) or (None, None, start)
    author = byline_author(scored[byline].text)
    found = _heading_above(scored, byline, author, standfirst=True)
    return found or (None, author, min(start, byline))


def _heading_above(
    scored: list[ScoredLine], below: int, author: str | None, *, standfirst: bool
) -> tuple[str, str | None, int] | None:
    for position in range(below - 1, max(below - HEAD_LOOKBACK, 0) - 1, -1):
        line = scored[position]
        if line.is_furniture or _is_metadata(line):
            continue
        if line.is_heading:
            return line.text, author, position
        if not (standfirst and line.prose > 0):
            return None
        standfirst = False
    return None


_DATE_LINE: Final = re.compile(
    r"^(?:(?:published|updated|posted)\s*:?\s*)?(?:\w+,\s*)?(?:\w+\.?\s+\d{1,2},?\s+\d{4}|"
    r"\d{1,2}\s+\w+\.?\s+\d{4}|\d{4}-\d{2}-\d{2})(?:\W.*)?$",
    re.IGNORECASE,
)


def _is_metadata(line: ScoredLine) -> bool:
    """A byline or dateline: article metadata, not text to read."""
    return bool(_byline(line.text)) or looks_like_date(line.text)


def byline_author(text: str) -> str | None:
    """The name in a "By NAME" line, else None."""
    match = _byline(text)
    return match["author"] if match else None


def is_byline(text: str, author: str | None = None) -> bool:
    """A byline line: "By NAME", or (when the author is known) a short line opening with the
    author's name ("Maria Lopez, City Hall reporter")."""
    if _byline(text):
        return True
    return bool(author) and (
        len(text.split()) <= SHORT_LINE_WORDS and label(text).startswith(label(author or ""))
    )


def _byline(text: str) -> re.Match[str] | None:
    # "By Tuesday, the council had…" is prose, not a byline: bylines are short and unpunctuated.
    if len(text.split()) > SHORT_LINE_WORDS or text.endswith(tuple(".!?")):
        return None
    return _BYLINE.match(text)


def is_time_line(text: str) -> bool:
    """A line that only says when ("4:52 p.m.", "Updated 09:30 GMT", "3 hours ago") or how
    long the read is ("4 min read")."""
    return bool(_TIME_LINE.match(text.strip()))


def is_date_line(text: str) -> bool:
    """A line that is only a date or a time, with no words of a sentence around it ("Monday,
    June 3, 2024, 4:15 p.m. EDT" is; "March 5, 2024, the council voted" is not)."""
    return is_time_line(text) or (looks_like_date(text) and not _PROSE_WORD.search(text))


def looks_like_date(text: str) -> bool:
    """A dateline: a short line that is a date ("Updated June 3, 2024, 4:15 p.m.")."""
    return len(text.split()) <= 10 and bool(_DATE_LINE.match(text))
