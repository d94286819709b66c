"""`kiosk leaflet check` (kiosk/content/check.py): each rule of the leaflet format caught at
its file, line and column, in one run; readability per section; and it runs where the kiosk
itself could not start, since a broken leaflet is when it is needed."""

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk import ROOT, cli

SHIPPED = ROOT / "leaflets" / "trigger-point-injections.toml"

GOOD = '''title = "Washing Your Hands"

[[sections]]
slug = "why"
heading = "Why wash your hands?"

[sections.teach_back]
question = "Why wash?"
answers = ["To stop germs", "To dry them"]
right = 0
answer_sentence = "Washing stops germs."

[[sections.blocks]]
paragraph = "Washing stops germs. It keeps you well."

[[sections.blocks]]
lead = "Germs live on:"
items = [
    "Neck",
    "Door handles",
]
figure = "body-map"

[[terms]]
term = "germs"
definition = "Tiny living things that can make you ill."
'''


def run(*args, env=None):
    return CliRunner().invoke(cli.main, ["leaflet", "check", *map(str, args)], env=env)


def write(tmp_path, text, name="washing.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def lines_of(result):
    return [line for line in result.output.splitlines() if re.match(r"^/.*:\d+:\d+: ", line)]


def test_the_shipped_leaflet_has_no_errors_and_each_section_is_measured():
    result = run(SHIPPED)
    assert result.exit_code == 0, result.output
    notes = [line for line in lines_of(result) if ": note: " in line]
    assert len(notes) == 3
    assert all(re.search(r"Flesch-Kincaid grade [\d.]+, SMOG grade [\d.]+, [\d.]+ words a sentence", n) for n in notes)
    assert "1 leaflet file checked: no errors." in result.output


def test_a_good_file_warns_of_a_list_item_its_figure_cannot_draw(tmp_path):
    path = write(tmp_path, GOOD)
    result = run(path)
    assert result.exit_code == 0, result.output
    [warning] = [line for line in lines_of(result) if "is not a place the figure" in line]
    # "Door handles" is on line 20, indented by 4.
    assert warning.startswith(f"{path}:20:5: warning: 'Door handles'")


@pytest.mark.parametrize(("change", "at", "says"), [
    (('heading = "Why wash your hands?"', 'heading = ""'), "5:1", "sections[0].heading must be non-empty text"),
    (('slug = "why"', 'slug = "Why?"'), "4:1", "sections[0].slug must be lower-case words"),
    (('answer_sentence = "Washing stops germs."', 'answer_sentence = "Germs are bad."'), "11:1",
     "sections[0].teach_back.answer_sentence must be one sentence of the section"),
    (('term = "germs"', 'term = "zebra"'), "25:1", "terms[0].term 'zebra' is not in the leaflet's text"),
    (('figure = "body-map"', 'figure = "house-plan"'), "22:1", "sections[0].blocks[1].figure must be one of"),
    (('right = 0', 'right = 5'), "10:1", "sections[0].teach_back.right must be the index"),
    (('paragraph = "Washing', 'items = ["x"]\nparagraph = "Washing'), "13:1", "must have exactly one of heading, paragraph"),
])
def test_each_rule_is_caught_at_its_line_and_column(tmp_path, change, at, says):
    path = write(tmp_path, GOOD.replace(*change))
    result = run(path)
    assert result.exit_code == 1
    errors = [line for line in lines_of(result) if ": error: " in line]
    assert any(line.startswith(f"{path}:{at}: error: ") and says in line for line in errors), result.output


def test_every_problem_of_a_file_is_reported_in_one_run(tmp_path):
    broken = GOOD.replace('heading = "Why wash your hands?"', 'heading = ""').replace('term = "germs"', 'term = "zebra"')
    broken += '\n[[sections]]\nslug = "why"\nheading = "Again"\n'
    result = run(write(tmp_path, broken))
    errors = [line for line in lines_of(result) if ": error: " in line]
    assert len(errors) == 3, result.output
    assert any("is used twice: section slugs must be unique" in line for line in errors)
    assert "1 leaflet file checked: 3 errors." in result.output


def test_a_toml_syntax_error_gives_its_own_line_and_column(tmp_path):
    path = write(tmp_path, GOOD.replace('slug = "why"', 'slug = "why'))
    result = run(path)
    assert result.exit_code == 1
    assert re.search(rf"^{re.escape(str(path))}:4:\d+: error: not valid TOML", result.output, re.M), result.output


def test_it_runs_where_the_kiosk_cannot_start_and_reads_the_configured_folder(tmp_path):
    folder = tmp_path / "leaflets"
    folder.mkdir()
    write(folder, GOOD.replace('heading = "Why wash your hands?"', 'heading = ""'))
    shutil.copy(SHIPPED, folder)
    result = run(env={"KIOSK_LEAFLETS_DIR": str(folder)})
    assert result.exit_code == 1
    assert "2 leaflet files checked: 1 error." in result.output
    assert f"{folder / 'washing.toml'}:5:1: error:" in result.output


def test_an_empty_folder_is_a_clear_error(tmp_path):
    result = run(tmp_path)
    assert result.exit_code == 1 and "no leaflet files (*.toml)" in result.output


def test_the_example_in_the_docs_passes_the_check(tmp_path):
    docs = (ROOT / "docs" / "leaflets.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", docs, re.S)[1]
    result = run(write(tmp_path, example, "washing-your-hands.toml"))
    assert result.exit_code == 0, result.output
    assert "no errors" in result.output and ": warning: " not in result.output
