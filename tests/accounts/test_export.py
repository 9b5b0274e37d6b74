import io
import json
import re
import zipfile

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from summaries import services
from summaries.models import Summary
from tests.factories import make_comment, make_paper, make_summary, make_user
from tests.utils import queries_for

pytestmark = pytest.mark.django_db
EXPORT_URL = reverse("accounts:export")


def download(client):
    response = client.get(EXPORT_URL)
    assert response.status_code == 200
    return response, zipfile.ZipFile(io.BytesIO(response.content))


def front_matter(markdown):
    """The fields of a file's front matter, and the text after it. The values are
    written as JSON scalars, which read as the same values in YAML."""
    match = re.match(r"---\n(.*?)\n---\n\n(.*)", markdown, re.S)
    assert match, markdown[:200]
    fields = {}
    for line in match.group(1).splitlines():
        name, _, value = line.partition(": ")
        fields[name] = json.loads(value)
    return fields, match.group(2)


@pytest.fixture
def ada(client):
    user = make_user("ada")
    client.force_login(user)
    return user


def test_needs_login(client):
    response = client.get(EXPORT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_is_a_zip_download_named_after_the_user_and_day(client, ada):
    response, archive = download(client)
    assert response["Content-Type"] == "application/zip"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="shortscience-ada-{today}.zip"'
    )
    assert "no-store" in response["Cache-Control"]
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == ["data.json", "papers.bib"]


def test_every_summary_of_the_user_is_a_markdown_file(client, ada):
    paper = make_paper(
        "conf/nips/VaswaniSPUJGKP17",
        title='Attention: "All" You Need',
        venue="NIPS",
        year=2017,
    )
    public = make_summary(paper=paper, author=ada, body="Public, with $x^2$.")
    private = make_summary(author=ada, body="Private notes.", is_private=True)
    anonymous = make_summary(author=ada, body="Said without a name.", is_anonymous=True)
    hidden = make_summary(author=ada, body="Taken down.", is_hidden=True)
    Summary.objects.filter(pk=public.pk).update(score=4)

    _, archive = download(client)

    files = sorted(name for name in archive.namelist() if name.startswith("summaries/"))
    assert len(files) == 4
    name = f"summaries/{public.pk}-conf-nips-VaswaniSPUJGKP17.md"
    fields, body = front_matter(archive.read(name).decode())
    assert body == "Public, with $x^2$.\n"
    assert fields["title"] == 'Attention: "All" You Need'
    assert fields["paper"] == "conf/nips/VaswaniSPUJGKP17"
    assert fields["venue"] == "NIPS" and fields["year"] == 2017
    assert fields["url"] == f"{settings.SITE_URL}/summaries/{public.pk}/"
    assert fields["created"].startswith(str(public.created_at.year))
    assert fields["edited"] is None
    assert fields["private"] is False and fields["anonymous"] is False
    assert fields["score"] == 4
    flags = {}
    for file in files:
        fields, body = front_matter(archive.read(file).decode())
        flags[body.strip()] = (fields["private"], fields["anonymous"], fields["hidden"])
    assert flags == {
        "Public, with $x^2$.": (False, False, False),
        "Private notes.": (True, False, False),
        "Said without a name.": (False, True, False),
        "Taken down.": (False, False, True),
    }
    assert {private.pk, anonymous.pk, hidden.pk} < {
        int(file.split("/")[1].split("-")[0]) for file in files
    }


def test_edited_summary_keeps_its_earlier_versions(client, ada):
    paper = make_paper()
    services.save_summary(
        paper=paper, author=ada, body="First take.", is_private=False, is_anonymous=False
    )
    summary, _ = services.save_summary(
        paper=paper, author=ada, body="Second take.", is_private=False, is_anonymous=False
    )
    _, archive = download(client)
    data = json.loads(archive.read("data.json"))
    (exported,) = data["summaries"]
    assert exported["body"] == "Second take."
    assert exported["edited_at"] is not None
    assert [v["body"] for v in exported["earlier_versions"]] == ["First take."]
    fields, _ = front_matter(archive.read(exported["file"]).decode())
    assert fields["edited"] == exported["edited_at"]


def test_papers_bib_has_the_papers_the_user_summarized(client, ada):
    first = make_paper("conf/icml/First20", title="First paper", venue="ICML", year=2020)
    second = make_paper(
        "journals/corr/abs-2001-00002", title="Second paper", venue="", arxiv_id="2001.00002"
    )
    make_summary(paper=first, author=ada)
    make_summary(paper=second, author=ada, is_private=True)
    make_summary(paper=make_paper("conf/other/Theirs21"))  # someone else's

    _, archive = download(client)

    bib = archive.read("papers.bib").decode()
    assert re.findall(r"^@(\w+)\{(.+),$", bib, re.M) == [
        ("inproceedings", "conf/icml/First20"),
        ("misc", "journals/corr/abs-2001-00002"),
    ]
    assert first.bibtex_entry in bib and second.bibtex_entry in bib


def test_data_json_has_the_users_summaries_and_comments(client, ada):
    theirs = make_summary(paper=make_paper(title="Someone else's"), body="Their words.")
    question = make_comment(theirs, author=ada, body="A question from ada.")
    answer = make_comment(theirs, author=theirs.author, body="An answer.", parent=question)
    follow_up = make_comment(theirs, author=ada, body="Thanks!", parent=question)
    make_comment(theirs, author=ada, body="", deleted_at=timezone.now())
    own = make_summary(author=ada, body="Mine.")

    _, archive = download(client)
    data = json.loads(archive.read("data.json"))

    assert data["user"]["username"] == "ada"
    assert [s["id"] for s in data["summaries"]] == [own.pk]
    assert data["summaries"][0]["paper"] == own.paper.bibtex_key
    comments = {c["id"]: c for c in data["comments"]}
    assert set(comments) == {question.pk, follow_up.pk}
    assert answer.pk not in comments
    assert comments[question.pk] == {
        "id": question.pk,
        "paper": theirs.paper.bibtex_key,
        "summary_id": theirs.pk,
        "url": f"{settings.SITE_URL}{question.get_absolute_url()}",
        "parent_id": None,
        "created_at": comments[question.pk]["created_at"],
        "edited_at": None,
        "hidden": False,
        "body": "A question from ada.",
    }
    assert comments[follow_up.pk]["parent_id"] == question.pk
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "Their words." not in everything
    assert "An answer." not in everything


def test_nothing_of_other_users_private_summaries(client, ada):
    """A comment ada made before its summary went private stays hers; the summary,
    its address and its author do not come with it."""
    other = make_user("grace", display_name="Grace Hopper")
    secret = make_summary(
        author=other, paper=make_paper(title="Now private"), body="Grace's secret notes."
    )
    comment = make_comment(secret, author=ada, body="Ada's remark.")
    secret.is_private = True
    secret.save()
    make_summary(author=other, body="Another private one.", is_private=True)

    _, archive = download(client)

    data = json.loads(archive.read("data.json"))
    (exported,) = data["comments"]
    assert exported["id"] == comment.pk and exported["body"] == "Ada's remark."
    assert exported["summary_id"] is None and exported["url"] is None
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    for text in ["Grace's secret notes.", "Another private one.", "grace", "Grace Hopper"]:
        assert text not in everything


def test_query_count_is_the_same_for_one_and_twenty_items(client, ada):
    def add_one():
        paper = make_paper()
        services.save_summary(
            paper=paper, author=ada, body="One.", is_private=False, is_anonymous=False
        )
        services.save_summary(
            paper=paper, author=ada, body="Two.", is_private=False, is_anonymous=False
        )
        comment = make_comment(make_summary(), author=ada)
        make_comment(comment.summary, author=ada, parent=comment)

    add_one()
    one = queries_for(client, EXPORT_URL)
    for _ in range(19):
        add_one()
    assert queries_for(client, EXPORT_URL) == one
    _, archive = download(client)
    data = json.loads(archive.read("data.json"))
    assert len(data["summaries"]) == 20 and len(data["comments"]) == 40


def test_export_changes_nothing_and_refuses_posts(client, ada):
    assert client.post(EXPORT_URL).status_code == 405
