"""The SSML subset: what each element says, breaks carried as pauses, clear errors."""

from __future__ import annotations

import pytest

from workers.errors import InputError, InvalidSSML
from workers.text.prepare import InputFormat, prepare_article
from workers.text.ssml import ssml_blocks


def spoken(ssml: str) -> list[str]:
    article = prepare_article(ssml, input_format=InputFormat.SSML)
    return [s.spoken for chunk in article.chunks for s in chunk.sentences]


def test_paragraphs_sentences_and_breaks() -> None:
    ssml = (
        '<speak xmlns="http://www.w3.org/2001/10/synthesis">'
        "<p><s>First sentence</s><s>Second one.</s></p>"
        '<p>Before the pause<break time="1.5s"/>after it.</p>'
        '<p>Strong<break strength="strong"/></p>'
        "</speak>"
    )
    blocks = ssml_blocks(ssml)
    assert [(b.text, b.pause_ms) for b in blocks] == [
        ("First sentence. Second one.", None),
        ("Before the pause", 1500),
        ("after it.", None),
        ("Strong", 700),
    ]
    article = prepare_article(ssml, input_format=InputFormat.SSML)
    sentences = [s for chunk in article.chunks for s in chunk.sentences]
    assert [s.pause_ms for s in sentences] == [None, None, 1500, None, 700]


@pytest.mark.parametrize(
    ("ssml", "expected"),
    [
        (
            '<speak><sub alias="World Health Organization">WHO</sub> met.</speak>',
            "World Health Organization met.",
        ),
        (
            '<speak>Call <say-as interpret-as="telephone">555-0100</say-as>.</speak>',
            "Call five five five, zero one zero zero.",
        ),
        ('<speak><say-as interpret-as="characters">NATO</say-as> again.</speak>', "N A T O again."),
        (
            '<speak>It is <say-as interpret-as="cardinal">1,234</say-as>.</speak>',
            "It is one thousand two hundred thirty-four.",
        ),
        ('<speak>The <say-as interpret-as="ordinal">3</say-as> time.</speak>', "The third time."),
        (
            '<speak>On <say-as interpret-as="date" format="dmy">13/06/2024</say-as>.</speak>',
            "On June thirteenth, twenty twenty-four.",
        ),
        (
            '<speak>On <say-as interpret-as="date" format="md">11-21</say-as>.</speak>',
            "On November twenty-first.",
        ),
        (
            '<speak>Say <phoneme alphabet="ipa" ph="kˈiːv">Kyiv</phoneme> now.</speak>',
            "Say [[ kˈiːv ]] now.",
        ),
        ('<speak>It is <emphasis level="strong">very</emphasis> big.</speak>', "It is very big."),
        ("<speak>Dr. Smith paid $5.</speak>", "Doctor Smith paid five dollars."),
    ],
)
def test_elements(ssml: str, expected: str) -> None:
    assert " ".join(spoken(ssml)) == expected


@pytest.mark.parametrize(
    ("ssml", "message"),
    [
        ("<speak>unclosed", "not well-formed"),
        ("<p>no speak</p>", "root element"),
        ("<speak><audio src='x.mp3'/></speak>", "<audio> is not supported"),
        ('<speak><break time="soon"/></speak>', "write the time as"),
        ('<speak><break time="60s"/></speak>', "longer than"),
        ('<speak><break strength="huge"/></speak>', "strength"),
        ('<speak><say-as interpret-as="unit">5kg</say-as></speak>', "not supported"),
        ('<speak><say-as interpret-as="cardinal">five</say-as></speak>', "not a number"),
        (
            '<speak><say-as interpret-as="date" format="mdy">13/45/2024</say-as></speak>',
            "not a valid date",
        ),
        ('<speak><phoneme alphabet="x-sampa" ph="ki:v">Kyiv</phoneme></speak>', "only 'ipa'"),
        ('<speak><phoneme ph="k%Q">Kyiv</phoneme></speak>', "no phoneme"),
        ("<speak><sub>WHO</sub></speak>", "alias"),
    ],
)
def test_invalid_ssml_is_a_clear_input_error(ssml: str, message: str) -> None:
    with pytest.raises(InvalidSSML, match=message) as raised:
        prepare_article(ssml, input_format=InputFormat.SSML)
    assert isinstance(raised.value, InputError)
