"""Loading eSpeak NG: the wheel's data path must fit in eSpeak's 160-byte buffer."""

from __future__ import annotations

import inspect
import os
import time

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


def test_pyttsx3_run_loop_naps_through_the_module_we_shorten():
    """If pyttsx3 stops calling `time.sleep` in its loop, the short naps silently stop working."""
    # The driver loads libespeak-ng when it is imported: load the wheel's copy first, as
    # EspeakEngine does, or the import looks for a system eSpeak NG that set-up never installs.
    espeak.load_library()
    from pyttsx3.drivers import espeak as driver

    assert "time.sleep(" in inspect.getsource(driver.EspeakDriver.startLoop)
    assert driver.time is time or isinstance(driver.time, espeak._ShortNaps)


def test_short_naps_cap_sleep_and_pass_everything_else_through():
    naps = []

    class Clock:
        def sleep(self, seconds):
            naps.append(seconds)

        def monotonic(self):
            return 42.0

    shim = espeak._ShortNaps(Clock())
    shim.sleep(0.01)
    shim.sleep(0.0002)
    assert naps == [espeak.LOOP_NAP, 0.0002]
    assert shim.monotonic() == 42.0
