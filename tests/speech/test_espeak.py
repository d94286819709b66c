"""Loading eSpeak NG: the wheel's data path must fit in eSpeak's 160-byte buffer."""

from __future__ import annotations

import os

from kiosk.speech import espeak


def test_short_data_path_is_used_as_is(tmp_path):
    assert espeak._short_path(str(tmp_path)) == str(tmp_path)


def test_long_data_path_gets_a_short_link(tmp_path):
    data = tmp_path.joinpath(*["a-rather-long-folder-name"] * 8, "espeak-ng-data")
    data.mkdir(parents=True)
    link = espeak._short_path(str(data))
    assert len(os.fsencode(link)) <= espeak.MAX_DATA_PATH
    assert os.path.realpath(link) == os.path.realpath(data)
    assert espeak._short_path(str(data)) == link  # and again, reusing the link
    os.unlink(link)
