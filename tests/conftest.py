"""Shared fixtures: the app, a test client and a CLI runner (as in flaskr)."""

import pytest

from kiosk import create_app


@pytest.fixture
def app(tmp_path):
    return create_app({"TESTING": True, "SPEECH_ENABLED": False}, instance_path=str(tmp_path))


@pytest.fixture(scope="module")
def speaking_app(tmp_path_factory):
    """The kiosk with the real speech layer (voices from eSpeak NG)."""
    app = create_app({"TESTING": True}, instance_path=str(tmp_path_factory.mktemp("instance")))
    yield app
    app.extensions["speech"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    """Compile the .po files so pages show exactly what the catalogs say now."""
    from kiosk import catalogs

    catalogs.run(catalogs.compile_args())
