"""Writing files so that a reader sees the old one or the new one, never half of one."""

import os
import stat

import pytest

from kiosk import files


def test_write_atomically_replaces_the_whole_file_owner_only(tmp_path):
    path = tmp_path / "settings" / "settings.json"
    files.write_atomically(path, b"old")
    files.write_atomically(path, b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(path.parent) == ["settings.json"]  # no temporary left


def test_write_atomically_can_write_a_public_file(tmp_path):
    path = tmp_path / "font.woff2"
    files.write_atomically(path, b"x", mode=0o644)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "pin"
    files.write_atomically(path, b"old")

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        files.write_atomically(path, b"new")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["pin"]


def test_replace_durably_moves_a_written_file_into_place(tmp_path):
    written, path = tmp_path / ".clip.ogg.tmp", tmp_path / "clip.ogg"
    written.write_bytes(b"OggS")
    files.replace_durably(written, path)
    assert not written.exists()
    assert path.read_bytes() == b"OggS"
