"""A paper's history: what records a revision (corrections, the admin, imports) and
the public page that lists them (papers.history, papers.correction_views)."""

import shutil
from html import unescape
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from papers import corrections
from papers.history import MAX_WORD_PAIRS, field_changes
from papers.models import Paper, PaperCorrection, PaperRevision
from tests.factories import make_paper, make_summary, make_user
from tests.utils import pager_links, queries_for

pytestmark = pytest.mark.django_db

Source = PaperRevision.Source
IMPORTS = Path(__file__).parents[1] / "data" / "import"


def history_url(paper):
    return reverse("papers:history", args=[paper.bibtex_key])


def corrected(paper, user, **proposed):
    correction = PaperCorrection.objects.create(
        paper=paper,
        suggested_by=user,
        proposed=proposed,
        original={name: getattr(paper, name) for name in proposed},
        reason="See the publisher's page.",
    )
    return corrections.accept(correction.pk, by=make_user(is_staff=True))


def admin_post(paper, **changes):
    data = {
        "bibtex_key": paper.bibtex_key,
        "title": paper.title,
        "authors": paper.authors,
        "venue": paper.venue,
        "year": paper.year or "",
        "abstract": paper.abstract,
        "url": paper.url,
        "arxiv_id": paper.arxiv_id,
        "doi": paper.doi,
        "aliases-TOTAL_FORMS": 0,
        "aliases-INITIAL_FORMS": 0,
        **changes,
    }
    return data


# ---- What records a revision ----


def test_an_admin_edit_records_who_and_what(admin_client, admin_user):
    paper = make_paper(title="Old title", venue="NIPS")

    response = admin_client.post(
        f"/admin/papers/paper/{paper.pk}/change/", admin_post(paper, venue="NeurIPS")
    )

    assert response.status_code == 302
    revision = PaperRevision.objects.get(paper=paper)
    assert revision.source == Source.ADMIN
    assert revision.changed_by == admin_user
    assert revision.changes == {"venue": ["NIPS", "NeurIPS"]}


def test_an_admin_save_that_changes_nothing_records_nothing(admin_client):
    paper = make_paper()

    admin_client.post(f"/admin/papers/paper/{paper.pk}/change/", admin_post(paper))

    assert not PaperRevision.objects.exists()


def test_an_admin_edit_of_the_key_is_recorded(admin_client):
    paper = make_paper("conf/test/Old")

    admin_client.post(
        f"/admin/papers/paper/{paper.pk}/change/", admin_post(paper, bibtex_key="conf/test/New")
    )

    assert PaperRevision.objects.get().changes == {"bibtex_key": ["conf/test/Old", "conf/test/New"]}


def test_a_re_import_that_changes_a_title_records_it(tmp_path):
    path = Path(shutil.copy(IMPORTS / "dblp.xml", tmp_path / "dblp.xml"))
    call_command("import_papers", str(path), stdout=StringIO(), stderr=StringIO())
    assert not PaperRevision.objects.exists()
    path.write_text(path.read_text().replace("Deep Residual Learning", "Deeper Residual Learning"))

    call_command("import_papers", str(path), stdout=StringIO(), stderr=StringIO())

    revision = PaperRevision.objects.get()
    assert revision.paper.bibtex_key == "journals/corr/HeZRS15"
    assert revision.source == Source.IMPORT
    assert revision.changed_by is None
    assert revision.changes == {
        "title": [
            "Deep Residual Learning for Image Recognition",
            "Deeper Residual Learning for Image Recognition",
        ]
    }


# ---- The page ----


def test_the_history_lists_changes_newest_first_with_their_diffs(client):
    paper = make_paper(title="Attention Is All You Ned", venue="NIPS", year=2017)
    corrected(paper, make_user("ada"), title="Attention Is All You Need")
    PaperRevision.objects.create(
        paper=paper, source=Source.ADMIN, changes={"year": [2017, 2018]}, changed_by=make_user()
    )
    PaperRevision.objects.create(paper=paper, source=Source.IMPORT, changes={"venue": ["a", "b"]})

    response = client.get(history_url(paper))

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "<title>History of “Attention Is All You Need”" in html
    import_at, admin_at, correction_at = (
        html.index("Updated by an import"),
        html.index("Edited by a moderator"),
        html.index("Suggested by <a"),
    )
    assert import_at < admin_at < correction_at
    assert ">ada</a>, accepted by a moderator" in html
    assert "Attention Is All You <del>Ned</del><ins>Need</ins>" in html
    assert "<del>2017</del><ins>2018</ins>" in html
    # Moderators are not named on the public page.
    assert "moderator</a>" not in html


def test_a_trusted_users_own_correction_reads_as_theirs(client, settings):
    settings.CORRECTIONS_TRUSTED_AFTER = 1
    ada = make_user("ada")
    corrected(make_paper(), ada, venue="Elsewhere")
    paper = make_paper(venue="NIPS")
    correction, applied = corrections.suggest(
        paper=paper, user=ada, proposed={"venue": "NeurIPS"}, original={"venue": "NIPS"}, reason="r"
    )
    assert applied

    html = client.get(history_url(paper)).content.decode()

    assert "Corrected by <a" in html and ">ada</a>" in html


def test_a_banned_suggester_is_not_named(client):
    paper = make_paper()
    spammer = make_user("spammer")
    corrected(paper, spammer, venue="Elsewhere")
    spammer.is_active = False
    spammer.save()

    html = client.get(history_url(paper)).content.decode()

    assert "spammer" not in html
    assert "Suggested by a former member" in html


def test_a_paper_without_changes_says_so(client):
    html = client.get(history_url(make_paper())).content.decode()

    assert "The details have not changed since the paper was added." in html


def test_the_history_of_an_alias_redirects_and_of_nothing_is_404(client):
    paper = make_paper(arxiv_id="1706.03762")

    response = client.get(reverse("papers:history", args=["arXiv:1706.03762"]))

    assert response.status_code == 301
    assert response["Location"] == history_url(paper)
    assert client.get(reverse("papers:history", args=["conf/x/Nothing"])).status_code == 404


def test_the_history_pages_in_a_constant_number_of_queries(client):
    paper = make_paper()
    ada = make_user("ada")
    corrected(paper, ada, venue="V0")
    few = queries_for(client, history_url(paper))
    for n in range(1, 25):
        corrected(paper, make_user(), venue=f"V{n}", title=f"Title {n}")

    many = queries_for(client, history_url(paper))
    html = client.get(history_url(paper)).content.decode()

    assert many == few
    assert html.count('class="paper-revision') == 10
    older = pager_links(html)["next"]
    second = client.get(older).content.decode()
    assert "<ins>V14</ins>" in second and "<ins>V24</ins>" not in second


def test_private_and_hidden_summaries_of_the_paper_stay_off_the_history(client):
    paper = make_paper()
    make_summary(paper=paper, is_private=True, body="A private secret summary text.")
    make_summary(paper=paper, is_hidden=True, body="A hidden secret summary text.")
    corrected(paper, make_user(), venue="Elsewhere")

    html = client.get(history_url(paper)).content.decode()

    assert "secret" not in html


def test_the_diff_of_a_long_rewrite_is_bounded():
    old = " ".join(f"old{n}" for n in range(1000))
    new = " ".join(f"new{n}" for n in range(1000))
    assert MAX_WORD_PAIRS < 1000 * 1000

    (change,) = field_changes({"abstract": [old, new]})

    # Shown as replaced whole rather than compared word by word.
    assert str(change.diff_html) == f"<del>{old}</del><ins>{new}</ins>"


def test_diffs_escape_what_they_show():
    (change,) = field_changes({"title": ["A <b>bold</b> title", "A <script>x</script> title"]})

    assert "<script>" not in change.diff_html
    assert "&lt;script&gt;" in change.diff_html


def test_a_paper_deleted_takes_its_history_and_corrections():
    paper = make_paper()
    corrected(paper, make_user(), venue="Elsewhere")

    Paper.objects.filter(pk=paper.pk).delete()

    assert not PaperRevision.objects.exists()
    assert not PaperCorrection.objects.exists()
