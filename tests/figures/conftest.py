import pytest

from tests.factories import make_user


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """A fresh, empty storage folder for each test (the default storage reads
    MEDIA_ROOT again when the setting changes)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def ada(client):
    user = make_user("ada")
    client.force_login(user)
    return user
