"""Figures in the owner's data export, and what becomes of them when the account is
deleted (accounts.export, accounts.services.delete_account)."""

import io
import json
import zipfile

import pytest
from django.db import transaction
from django.urls import reverse

from accounts import services as accounts
from figures.models import Figure
from summaries.models import Summary
from tests.factories import make_paper, make_summary, make_user, summary_text

from .images import diagram_png, encoded, photo, upload

pytestmark = pytest.mark.django_db


def add_figure(client, content, name="figure.png"):
    response = client.post(
        reverse("figures:upload"), {"image": upload(content, name)}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200, response.content
    return Figure.objects.get(name=response.json()["url"].rsplit("/", 1)[1])


def test_the_export_holds_the_figures_and_lists_them(client, ada, media, settings):
    first = add_figure(client, diagram_png())
    second = add_figure(client, encoded(photo((30, 20)), "PNG"))
    client.force_login(make_user("grace"))
    add_figure(client, diagram_png((20, 20)))  # another person's
    client.force_login(ada)
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("accounts:export")).content))
    assert sorted(n for n in archive.namelist() if n.startswith("figures/")) == sorted(
        [first.path, second.path]
    )
    for figure in (first, second):
        assert archive.read(figure.path) == (media / figure.path).read_bytes()
        assert archive.getinfo(figure.path).compress_type == zipfile.ZIP_STORED
    listed = json.loads(archive.read("data.json"))["figures"]
    assert listed[0] == {
        "name": first.name,
        "file": first.path,
        "url": f"{settings.SITE_URL}/media/figures/{first.name}",
        "bytes": first.bytes,
        "width": first.width,
        "height": first.height,
        "created_at": listed[0]["created_at"],
    }
    assert [entry["name"] for entry in listed] == [first.name, second.name]


@pytest.fixture
def figures(client, ada):
    """Ada's three figures: one shown by her public summary, one by her private summary,
    one in no summary (a draft's, say)."""
    shown = add_figure(client, diagram_png((10, 10)))
    private = add_figure(client, diagram_png((11, 10)))
    unused = add_figure(client, diagram_png((12, 10)))
    make_summary(make_paper(), ada, body=summary_text(f"![a]({shown.url})\n\nShown."))
    make_summary(
        make_paper(), ada, body=summary_text(f"![b]({private.url})\n\nMine."), is_private=True
    )
    return shown, private, unused


def test_deleting_the_account_and_its_content_deletes_every_figure(
    ada, figures, media, django_capture_on_commit_callbacks
):
    assert len(list((media / "figures").iterdir())) == 3
    with django_capture_on_commit_callbacks(execute=True):
        accounts.delete_account(ada, content=accounts.DELETE)
    assert not Figure.objects.exists()
    assert list((media / "figures").iterdir()) == []


def test_keeping_the_summaries_without_a_name_keeps_only_the_figures_they_show(
    client, ada, figures, media, django_capture_on_commit_callbacks
):
    shown, private, unused = figures
    with django_capture_on_commit_callbacks(execute=True):
        accounts.delete_account(ada, content=accounts.ANONYMISE)
    assert list(Figure.objects.values_list("name", flat=True)) == [shown.name]
    assert [path.name for path in (media / "figures").iterdir()] == [shown.name]
    # The kept summary shows it still, and nothing in its address names anyone.
    kept = Summary.objects.get()
    assert kept.is_anonymous
    assert client.get(shown.url).status_code == 200
    assert client.get(private.url).status_code == 404


def test_a_deletion_rolled_back_keeps_the_files(
    ada, figures, media, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        Figure.objects.filter(owner=ada).delete()
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert Figure.objects.count() == 3
    assert len(list((media / "figures").iterdir())) == 3
