"""The leaflet is content data: loaded, validated, and true to the seed."""

import re
import shutil

import pytest

from kiosk.content import (
    BulletList, ContentError, Heading, Paragraph, load_leaflet, load_leaflet_files, load_leaflets, normalise,
)
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
    leaflets, left_out = load_leaflets(FIXTURES / "leaflets")
    assert list(leaflets) == ["hand-washing"] and left_out == []
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


# A bad file among good ones is left out, with why; the others are served (issue 31).


def test_a_bad_file_is_left_out_with_every_problem_at_its_line_and_the_others_served(tmp_path):
    shutil.copy(ROOT / "leaflets" / f"{LEAFLET}.toml", tmp_path)
    (tmp_path / "a-broken-one.toml").write_text(
        'title = "Broken"\n\n[[sections]]\nslug = "a"\nheading = ""\n\n[[sections]]\nslug = "B"\nheading = "H"\n',
        encoding="utf-8")
    leaflets, left_out = load_leaflets(tmp_path)
    assert list(leaflets) == [LEAFLET]
    assert [str(item) for item in left_out] == [
        f"{tmp_path}/a-broken-one.toml:5:1: sections[0].heading must be non-empty text"]
    assert [(p.line, p.column) for p in left_out[0].problems] == [(5, 1), (8, 1)]


def test_when_every_file_is_bad_the_first_is_the_error(tmp_path):
    (tmp_path / "a.toml").write_text("title = ", encoding="utf-8")
    (tmp_path / "b.toml").write_text('title = "T"\n', encoding="utf-8")
    with pytest.raises(ContentError, match="not valid TOML") as error:
        load_leaflets(tmp_path)
    assert error.value.source == str(tmp_path / "a.toml")


def test_a_second_file_with_a_slug_already_served_is_left_out(tmp_path):
    """As from two folders: both would claim the same pages and catalogs."""
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(FIXTURES / "leaflets" / "hand-washing.toml", other)
    leaflets, left_out = load_leaflet_files([FIXTURES / "leaflets" / "hand-washing.toml", other / "hand-washing.toml"])
    assert list(leaflets) == ["hand-washing"]
    assert [item.source for item in left_out] == [str(other / "hand-washing.toml")]
    reason = left_out[0].first.message
    assert f"taken already by {FIXTURES / 'leaflets' / 'hand-washing.toml'}" in reason
    assert reason.endswith("rename one of the two files")
