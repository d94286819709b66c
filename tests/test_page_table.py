"""The page table (kiosk/patient/page_table.py) is the one list of the patient's pages: a page
added without it would be missing from the crawl, the export and the cache (issue 30)."""

from kiosk.jobs.crawl import page_urls
from kiosk.patient.page_table import BY_ENDPOINT, CACHED, PAGES, START


def test_every_patient_page_route_is_in_the_table(app):
    routes = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in ("start", "pages")}
    assert routes == {kind.endpoint: kind.rule for kind in PAGES}


def test_every_listed_page_is_answered_by_its_kind(app):
    adapter = app.url_map.bind("localhost")
    found = {adapter.match(path)[0] for path in page_urls(app)}
    assert found == set(BY_ENDPOINT)
    client = app.test_client()
    for path in page_urls(app)[:12]:
        assert client.get(path).status_code == 200, path


def test_back_leads_from_every_page_to_the_start_screen():
    for kind in PAGES:
        seen = [kind.endpoint]
        while BY_ENDPOINT[seen[-1]].up is not None:
            seen.append(BY_ENDPOINT[seen[-1]].up)
            assert len(seen) <= len(PAGES), seen
        assert seen[-1] == START.endpoint


def test_the_page_cache_keeps_the_tables_pages(app):
    client = app.test_client()
    client.get("/es/")
    client.get("/staff/")
    from kiosk.state import app_state

    assert len(app_state(app).page_cache) == 1 and "pages.leaflet_list" in CACHED
