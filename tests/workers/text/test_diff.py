"""The side-by-side original vs. spoken view of `narrate preview --diff`."""

from __future__ import annotations

from workers.text.diff import CHANGED, diff_lines, render_diff
from workers.text.prepare import prepare_article


def test_every_changed_sentence_is_marked_beside_its_original() -> None:
    article = prepare_article(
        "Aid pledged\n\nDr. Smith said $1.5 billion would arrive on Nov. 21. Nothing else changed."
    )
    sentences = [s for chunk in article.chunks for s in chunk.sentences]
    lines = diff_lines(sentences, width=200)
    rows = lines[2:-1]
    changed = [row for row in rows if f"│ {CHANGED} │" in row]
    assert len(changed) == 1
    written, _, spoken = (part.strip() for part in changed[0].split("│"))
    assert written == "Dr. Smith said $1.5 billion would arrive on Nov. 21."
    assert spoken == (
        "Doctor Smith said one point five billion dollars would arrive on November twenty-first."
    )
    assert any(row.startswith("# Aid pledged") for row in rows)
    assert lines[-1] == "1 of 3 sentences changed for speech"


def test_long_sentences_wrap_within_the_width() -> None:
    article = prepare_article(
        "The agreement is expected to commit the country for 10 years to continued training, "
        "more cooperation in the production of weapons, and greater intelligence sharing."
    )
    sentences = [s for chunk in article.chunks for s in chunk.sentences]
    text = render_diff(sentences, width=80)
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "ten years" in text and "10 years" in text
