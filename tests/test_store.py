"""The instance store (kiosk/store.py): its schema brought up to date once, WAL, a write all or
nothing, a file from a newer kiosk refused in plain words, and a folder it cannot write
reported rather than raised at start-up."""

import sqlite3

import pytest

from kiosk import store


def test_a_new_store_has_every_table_in_wal_mode(tmp_path):
    kept = store.Store(tmp_path / "k.sqlite3")
    with kept.read() as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(store.MIGRATIONS)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"question", "staff_session", "understanding_count"} <= tables


def test_an_older_store_is_brought_up_to_date_and_keeps_its_rows(tmp_path):
    path = tmp_path / "k.sqlite3"
    with sqlite3.connect(path) as db:
        for statement in store._statements(store.MIGRATIONS[0]):
            db.execute(statement)
        db.execute("PRAGMA user_version = 1")
        db.execute(
            "INSERT INTO question (token, handle, kiosk_id, address, page, lang, leaflet, section, sentence,"
            " sentence_lang, english_is_paragraph, asked) VALUES ('t', 'h', 'K', 'a', 'p', 'en', 'L', 'S', 's', 'en', 0, 1)"
        )
    db.close()
    with store.Store(path).read() as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(store.MIGRATIONS)
        assert db.execute("SELECT token FROM question").fetchone()[0] == "t"


def test_a_store_from_a_newer_kiosk_is_refused_in_plain_words(tmp_path):
    path = tmp_path / "k.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(store.MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(store.StoreError, match="newer kiosk.*update the kiosk"):
        with store.Store(path).read():
            pass


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    kept = store.Store(tmp_path / "k.sqlite3")
    with pytest.raises(RuntimeError):
        with kept.write() as db:
            db.execute("INSERT INTO staff_session (id, started, seen) VALUES ('x', 1, 1)")
            raise RuntimeError("half way")
    with kept.read() as db:
        assert db.execute("SELECT count(*) FROM staff_session").fetchone()[0] == 0


def test_a_folder_that_cannot_hold_the_store_is_reported(tmp_path):
    # A folder where the file should be: SQLite cannot open it, whoever runs the test (root too).
    (tmp_path / "k.sqlite3").mkdir()
    problem = store.Store(tmp_path / "k.sqlite3").check()
    assert problem is not None and "k.sqlite3" in problem
    assert store.Store(tmp_path / "other.sqlite3").check() is None
