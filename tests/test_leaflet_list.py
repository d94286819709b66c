"""The leaflet list with one leaflet and with many (issue 31): with one, today's single button;
with 40, one large button each, in alphabetical order of the titles as the page shows them,
each title in the page's language or in English, marked so, where its catalog lacks it."""

import pytest

from kiosk import create_app
from kiosk.i18n.collation import sort_key
from kiosk.speech import ThreadExecutor
from kiosk.state import app_state
from speech.fakes import FakeEngine

from helpers import LEAFLET, LOCALES, copy_slug, expected, make_leaflets, soup

TITLE = "Trigger Point Injections"
MANY = 40


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """A kiosk with 40 leaflets, the shipped one and 39 renamed copies, translated as it is
    (bench/many_leaflets.py), with the fake engine's voices (English, Spanish, Arabic)."""
    folder = tmp_path_factory.mktemp("many")
    settings = make_leaflets(folder / "leaflets", MANY, translations=folder / "translations")
    app = create_app({"TESTING": True, **settings}, instance_path=str(folder / "instance"),
                     speech_executor=ThreadExecutor(FakeEngine))
    yield app
    app_state(app).speech.close()


def listed(page):
    return page.select("#main .button-list a")


def title_in(tag: str, n: int) -> str:
    title = expected(tag, TITLE)
    return title if n == 1 else f"{title} {n:02d}"


@pytest.mark.parametrize("tag", LOCALES)
def test_forty_leaflets_are_listed_by_their_own_titles_in_alphabetical_order(many, tag):
    page = soup(many.test_client().get(f"/{tag}/"))
    links = listed(page)
    titles = {f"/{tag}/{LEAFLET if n == 1 else copy_slug(n)}/": title_in(tag, n) for n in range(1, MANY + 1)}
    assert {a["href"]: a.get_text(strip=True) for a in links} == titles
    shown = [a.get_text(strip=True) for a in links]
    assert shown == sorted(shown, key=sort_key)
    # Every title is in the page's language: nothing marked as English, no notice.
    assert [a for a in links if a.has_attr("lang")] == []
    assert page.select(".fallback-notice") == []
    # Each a wide button the audio guide can say (in Arabic by the Arabic voice).
    assert all("button" in a["class"] and "wide" in a["class"] for a in links)
    if tag in ("en", "es", "ar"):
        assert all(a.has_attr("data-say") and f'"{tag}"' in a["data-say"] for a in links)


@pytest.fixture
def clinic_titles(tmp_path):
    """The shipped leaflet and two of a clinic's, not translated: "Knee Pain" and "Écoute:
    Hearing Tests" (an accented capital, which code-point order puts after every ASCII letter)."""
    titles = {2: "Knee Pain", 3: "Écoute: Hearing Tests"}
    settings = make_leaflets(tmp_path / "leaflets", 3, titles=titles.get)
    return create_app({"TESTING": True, "SPEECH_ENABLED": False, **settings}, instance_path=str(tmp_path / "instance"))


@pytest.mark.parametrize(("tag", "order"), [
    ("en", ["Écoute: Hearing Tests", "Knee Pain", TITLE]),
    ("es", ["Écoute: Hearing Tests", "Inyecciones en puntos gatillo", "Knee Pain"]),
    ("ru", ["Écoute: Hearing Tests", "Knee Pain", "Инъекции в триггерные точки"]),
])
def test_the_order_is_the_pages_language_and_an_english_title_says_so(clinic_titles, tag, order):
    page = soup(clinic_titles.test_client().get(f"/{tag}/"))
    links = listed(page)
    assert [a.get_text(strip=True) for a in links] == order
    english = [a.get_text(strip=True) for a in links if a.get("lang") == "en"]
    if tag == "en":
        assert english == [] and page.select(".fallback-notice") == []
    else:
        assert english == ["Écoute: Hearing Tests", "Knee Pain"]
        assert page.select(".fallback-notice")


def test_with_one_leaflet_the_list_is_its_one_button(client):
    links = listed(soup(client.get("/es/")))
    assert [(a["href"], a.get_text(strip=True)) for a in links] == [(f"/es/{LEAFLET}/", expected("es", TITLE))]
