"""The staff pages for merging papers (papers.merge_views) and their ways in from the
admin: who may see them, what the confirm page shows, merging and undoing by POST."""

import pytest
from django.test import Client
from django.urls import reverse

from papers.models import DistinctClaim, Paper, PaperMerge
from summaries.models import Summary
from tests.factories import make_comment, make_paper, make_summary, make_user

pytestmark = pytest.mark.django_db

MERGE = reverse("papers:merge")
LOG = reverse("papers:merges")


@pytest.fixture
def staff_client(client):
    client.force_login(make_user("moderator", is_staff=True))
    return client


@pytest.fixture
def pair():
    kept = make_paper("conf/nips/Kept17", title="The kept page")
    merged = make_paper("journals/corr/Dup17", title="The duplicate page", arxiv_id="1701.00001")
    make_summary(paper=kept, author=make_user("alice"))
    summary = make_summary(paper=merged, author=make_user("bob"))
    make_comment(summary, author=make_user("carol"))
    make_summary(paper=merged, author=make_user("dora"), is_anonymous=True)
    return kept, merged


def compare_url(kept, merged):
    return f"{MERGE}?kept={kept.bibtex_key}&merged={merged.bibtex_key}"


def test_visitors_are_sent_to_log_in_and_others_get_not_found(client, pair):
    kept, merged = pair
    response = client.get(compare_url(kept, merged))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user("reader"))
    assert client.get(compare_url(kept, merged)).status_code == 404
    assert client.get(LOG).status_code == 404
    data = {"kept": kept.bibtex_key, "merged": merged.bibtex_key}
    assert client.post(MERGE, data).status_code == 404
    assert Paper.objects.count() == 2
    log = PaperMerge.objects.create(kept_paper_id=1, merged_paper_id=2, record={})
    assert client.post(reverse("papers:merge_undo", args=[log.pk])).status_code == 404


def test_the_confirm_page_shows_both_papers_and_what_moves(staff_client, pair):
    kept, merged = pair
    response = staff_client.get(compare_url(kept, merged))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Merge journals/corr/Dup17 into conf/nips/Kept17" in page
    assert "The kept page" in page and "The duplicate page" in page
    assert "2 summaries move to the kept paper" in page
    assert "bob" in page and "Anonymous" in page and "dora" not in page
    assert "1 comment and 0 votes go with their summaries" in page
    assert "The kept paper takes the arXiv id 1701.00001." in page
    assert 'name="csrfmiddlewaretoken"' in page and "Merge journals/corr/Dup17 into" in page
    assert Paper.objects.count() == 2  # looking merges nothing


def test_unknown_or_identical_papers_are_refused_with_the_form_kept(staff_client, pair):
    kept, _ = pair
    page = staff_client.get(f"{MERGE}?kept={kept.bibtex_key}&merged=nope/Nope").content.decode()
    assert "No paper is known by nope/Nope." in page
    assert 'value="nope/Nope"' in page
    page = staff_client.get(f"{MERGE}?kept={kept.bibtex_key}&merged=1701.00001")
    assert "Merge journals/corr/Dup17" in page.content.decode()  # any name will do
    page = staff_client.get(f"{MERGE}?kept={kept.bibtex_key}&merged={kept.bibtex_key}")
    assert "nothing to merge" in page.content.decode()
    assert staff_client.get(MERGE).status_code == 200  # the empty form


def test_a_conflict_is_shown_and_blocks_the_merge(staff_client, pair):
    kept, merged = pair
    make_summary(paper=merged, author=Summary.objects.get(paper=kept).author, is_private=True)
    page = staff_client.get(compare_url(kept, merged)).content.decode()
    assert "cannot be merged yet" in page and "alice has a summary of each paper" in page
    assert 'class="merge-confirm"' not in page
    data = {"kept": kept.bibtex_key, "merged": merged.bibtex_key}
    response = staff_client.post(MERGE, data)
    assert response.status_code == 400
    assert Paper.objects.count() == 2


def test_staff_merge_by_post_and_land_on_the_kept_paper(staff_client, pair):
    kept, merged = pair
    data = {"kept": kept.bibtex_key, "merged": merged.bibtex_key}
    response = staff_client.post(MERGE, data, follow=True)
    assert response.redirect_chain[-1][0] == kept.get_absolute_url()
    page = response.content.decode()
    assert "Merged journals/corr/Dup17 into this paper" in page
    assert (
        page.count('class="summary-block') >= 3 or Summary.objects.filter(paper=kept).count() == 3
    )
    assert PaperMerge.objects.get().by.username == "moderator"
    assert staff_client.get(merged.get_absolute_url()).status_code == 301


def test_the_merge_needs_the_csrf_token(pair):
    kept, merged = pair
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("moderator", is_staff=True))
    response = client.post(MERGE, {"kept": kept.bibtex_key, "merged": merged.bibtex_key})
    assert response.status_code == 403
    assert Paper.objects.count() == 2


def test_the_log_lists_merges_and_undoes_them(staff_client, pair):
    assert "No papers have been merged yet." in staff_client.get(LOG).content.decode()
    kept, merged = pair
    staff_client.post(MERGE, {"kept": kept.bibtex_key, "merged": merged.bibtex_key})
    log = PaperMerge.objects.get()
    page = staff_client.get(LOG).content.decode()
    assert "<title>Merge log" in page
    assert "journals/corr/Dup17" in page and reverse("papers:merge_undo", args=[log.pk]) in page

    response = staff_client.post(reverse("papers:merge_undo", args=[log.pk]), follow=True)
    page = response.content.decode()
    assert "Undone: journals/corr/Dup17 is a paper of its own again." in page
    assert Summary.objects.filter(paper=merged).count() == 2
    assert "undone by moderator" in page
    assert reverse("papers:merge_undo", args=[log.pk]) not in page

    response = staff_client.post(reverse("papers:merge_undo", args=[log.pk]), follow=True)
    assert "was not undone: This merge was undone already." in response.content.decode()


def test_an_undo_that_cannot_be_done_says_why(staff_client, pair):
    kept, merged = pair
    staff_client.post(MERGE, {"kept": kept.bibtex_key, "merged": merged.bibtex_key})
    Summary.objects.get(author__username="bob").delete()
    log = PaperMerge.objects.get()
    page = staff_client.post(reverse("papers:merge_undo", args=[log.pk]), follow=True)
    page = page.content.decode()
    assert "was not undone" in page and "1 summary the merge moved" in page
    assert not Paper.objects.filter(pk=merged.pk).exists()


def test_the_claims_admin_links_to_merging_the_pair(admin_client, pair):
    kept, merged = pair
    DistinctClaim.objects.create(paper=merged, similar_to=kept, reason="Not the same")
    page = admin_client.get("/admin/papers/distinctclaim/").content.decode()
    assert "/papers/merge/?kept=conf%2Fnips%2FKept17&amp;merged=journals%2Fcorr%2FDup17" in page


def test_the_paper_admin_merges_two_selected_papers(admin_client, pair):
    kept, merged = pair
    response = admin_client.post(
        "/admin/papers/paper/",
        {"action": "merge_selected", "_selected_action": [kept.pk, merged.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == (
        "/papers/merge/?kept=conf%2Fnips%2FKept17&merged=journals%2Fcorr%2FDup17"
    )
    response = admin_client.post(
        "/admin/papers/paper/", {"action": "merge_selected", "_selected_action": [kept.pk]}
    )
    assert response.status_code == 302
    assert "Select exactly two papers" in admin_client.get("/admin/papers/paper/").content.decode()
