"""Start-up: right after a restart, pages answer while the crawl of every page is still running.

After a restart a browser may still hold clip URLs from before (in its cache or history); no
page has registered them in the new process, so their requests wait for the crawl that
registers every clip. Those waits use no CPU in the kiosk, and must not hold the request
turns (kiosk/web/turns.py) that pages need (issue 17: two such requests stopped every page for
the length of the crawl).
"""

from __future__ import annotations

import re
import threading

from kiosk.jobs import crawl

from helpers import wait_until

from .test_faults import SECTION, clip_url, english_keys, get, says
from kiosk.state import app_state


def test_pages_answer_while_two_first_clip_requests_wait_for_the_crawl(make_kiosk, tmp_path, fault_state, monkeypatch):
    cache = tmp_path / "audio"
    with make_kiosk(cache) as (app, base):
        # Clips whose URLs a browser kept from before the restart. Not the start screen's: the
        # held crawl renders it, and a clip a page has registered is served without the crawl.
        on_start = frozenset(re.findall(r"/audio/([0-9a-f]{64})\.ogg", get(base + "/").text))
        keys = english_keys(app, 2, besides=on_start)

    # The crawl after the restart renders the start screen, then stops until the test lets it go.
    crawling, release = threading.Event(), threading.Event()
    every_page = crawl.page_urls

    def held_crawl(app):
        first, *rest = every_page(app)
        yield first
        crawling.set()
        release.wait(120)
        yield from rest

    monkeypatch.setattr(crawl, "page_urls", held_crawl)
    with make_kiosk(cache) as (app, base):
        speech = app_state(app).speech
        monkeypatch.setattr(speech, "prerender", lambda progress=None: 0)  # the crawl is what matters here
        arrived = []
        inner = app.wsgi_app

        def counting(environ, start_response):
            if environ["PATH_INFO"].startswith("/audio/"):
                arrived.append(environ["PATH_INFO"])
            return inner(environ, start_response)

        app.wsgi_app = counting
        answers = {}
        threads = [threading.Thread(target=lambda k=k: answers.__setitem__(k, get(clip_url(base, k), timeout=180)))
                   for k in keys]
        try:
            app_state(app).background_render.start()  # as `kiosk serve` does, once it listens
            for thread in threads:
                thread.start()
            wait_until(lambda: crawling.is_set() and len(arrived) == len(keys),
                       "the crawl to be under way and both clip requests in the kiosk")

            # A deadline, not a timing: with the clip requests holding both turns, no page came at all.
            page = get(base + SECTION, timeout=30)
            assert page.status_code == 200 and "What Should You Expect" in page.text
            # ... and it came while the crawl was still held and the clips still waited for it.
            assert not app_state(app).crawl.done.is_set()
            assert answers == {}
        finally:
            release.set()
            for thread in threads:
                thread.join(180)
        for key in keys:
            assert answers[key].status_code == 200 and says(answers[key].content, speech.job(key).text)
