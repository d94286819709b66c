"""The leaflet is content data: loaded, validated, and true to the seed."""

import re

import pytest

from kiosk.content import BulletList, ContentError, Heading, Paragraph, load_leaflet, load_leaflets, normalise
from kiosk import ROOT

from helpers import FIXTURES, LEAFLET, SECTIONS

SEED = FIXTURES / "seed-trigger-point-injections.txt"


@pytest.fixture(scope="module")
def leaflet():
    return load_leaflet(ROOT / "leaflets" / f"{LEAFLET}.toml")


def test_leaflet_has_title_and_sections_in_order(leaflet):
    assert leaflet.slug == LEAFLET
    assert leaflet.title == "Trigger Point Injections"
    assert tuple(s.slug for s in leaflet.sections) == SECTIONS
    assert [s.heading for s in leaflet.sections] == [
        "What Are Trigger Points?",
        "What is a Trigger Point Injection?",
        "What Should You Expect from Trigger Point Injections?",
    ]


def test_blocks_keep_their_kinds(leaflet):
    first = leaflet.sections[0]
    assert [type(b) for b in first.blocks] == [Paragraph, BulletList, Heading, BulletList]
    assert first.blocks[1].lead == "Trigger points commonly occur in:"
    assert first.blocks[1].items == ("Buttocks", "Upper back", "Lower back", "Neck")
    assert first.blocks[3].lead is None


def seed_texts():
    """Every line of the seed, bullets and whitespace removed."""
    lines = (normalise(line.replace("•", "")) for line in SEED.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def test_every_seed_text_is_kept_word_for_word(leaflet):
    messages = list(leaflet.messages())
    corrected = "follow closely to your doctor’s instructions closely"
    for text in seed_texts():
        if corrected in text:
            text = text.replace(corrected, "follow your doctor’s instructions closely")
        assert text in messages
    assert len(messages) == len(seed_texts())


def test_only_the_doubled_closely_is_corrected(leaflet):
    last = leaflet.sections[-1].blocks[-1].text
    assert len(re.findall(r"\bclosely\b", last)) == 1
    assert "follow your doctor’s instructions closely" in last


def test_second_leaflet_needs_only_a_content_file():
    leaflets = load_leaflets(FIXTURES / "leaflets")
    assert list(leaflets) == ["hand-washing"]
    washing = leaflets["hand-washing"]
    assert washing.title == "Washing Your Hands"
    assert washing.sections[1].blocks[0].text == "Use soap and warm water. Rub for twenty seconds."


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('title = "T"\n', "at least one [[sections]]"),
        ('title = "T"\n[[sections]]\nslug = "Bad Slug"\nheading = "H"\n', "slug"),
        ('title = "T"\n[[sections]]\nslug = "a"\nheading = "H"\n[[sections.blocks]]\nparagraph = "P"\nitems = ["x"]\n', "exactly one of"),
        ('title = "T"\n[[sections]]\nslug = "a"\nheading = ""\n', "heading must be non-empty"),
        ('title = "T"\n[[sections]]\nslug = "a"\nheading = "H"\n[[sections]]\nslug = "a"\nheading = "I"\n', "unique"),
        ("title = ", "not valid TOML"),
    ],
)
def test_a_bad_leaflet_file_gets_a_clear_error(tmp_path, content, reason):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ContentError, match=re.escape(reason)) as error:
        load_leaflet(path)
    assert str(path) in str(error.value)


def test_an_empty_leaflets_folder_is_an_error(tmp_path):
    with pytest.raises(ContentError, match="no leaflet files"):
        load_leaflets(tmp_path)
