"""Merging one paper's page into another's (papers.merging) and undoing it
(papers.merge_undo): what moves, what is folded, what redirects, what is recounted and
reindexed, what the log keeps, and when an undo is refused."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from following.models import Follow
from moderation.models import Report
from papers import corrections
from papers.merge_undo import undo_merge
from papers.merging import MergeRefused, merge_papers, plan_merge
from papers.models import (
    DistinctClaim,
    Paper,
    PaperAlias,
    PaperCorrection,
    PaperMerge,
    PaperRevision,
)
from search.models import Document
from summaries import services
from summaries.models import Citation, Comment, Draft, Summary, SummaryRevision, Vote
from tests.factories import make_comment, make_paper, make_user, summary_text
from topics.models import Topic

pytestmark = pytest.mark.django_db


def write(paper, author, text, *, private=False, anonymous=False):
    """Publish or edit a summary as the write form does (an edit keeps a revision)."""
    summary, _ = services.save_summary(
        paper=paper,
        author=author,
        body=summary_text(text),
        is_private=private,
        is_anonymous=anonymous,
    )
    return summary


def vote(summary, user, value=Vote.UP):
    services.vote(summary=summary, user=user, value=value)


def reload(row):
    return type(row).objects.get(pk=row.pk)


def snapshot():
    """Every row a merge touches, as comparable values: "undo restores exactly"."""
    return {
        "papers": sorted(Paper.objects.values_list()),
        "aliases": sorted(PaperAlias.objects.values_list("pk", "paper_id", "key")),
        "summaries": sorted(Summary.objects.values_list()),
        "revisions": sorted(SummaryRevision.objects.values_list()),
        "comments": sorted(Comment.objects.values_list()),
        "votes": sorted(Vote.objects.values_list()),
        "citations": sorted(Citation.objects.values_list()),
        "drafts": sorted(Draft.objects.values_list()),
        "claims": sorted(DistinctClaim.objects.values_list()),
        "reports": sorted(Report.objects.values_list()),
        "documents": sorted(
            Document.objects.values_list("kind", "object_id", "paper_id", "summary_id", "body")
        ),
        "counts": sorted(
            User.objects.values_list("pk", "public_summary_count", "public_comment_count")
        ),
        # Without ids: a follow of both papers is made again by the undo.
        "follows": sorted(Follow.objects.values_list("user_id", "paper_id")),
        "topics": sorted(Topic.papers.through.objects.values_list("paper_id", "topic_id")),
    }


@pytest.fixture
def people():
    return {name: make_user(name) for name in ("alice", "bob", "carol", "dave", "erin", "staff")}


@pytest.fixture
def pair(people):
    """Paper A (kept) and paper B (its duplicate), each with a discussion."""
    kept = make_paper("conf/nips/Kept17", title="Deep things", year=2017)
    merged = make_paper(
        "journals/corr/Dup17", title="Deep things", year=2017, arxiv_id="1701.00001"
    )
    PaperAlias.objects.create(paper=merged, key="journals/corr/abs-1701-00001")
    on_kept = write(kept, people["alice"], "Alice's summary of the kept page.")
    make_comment(on_kept, author=people["carol"], body="On the kept page.")
    moving = write(merged, people["bob"], "Bob's first text, about $x$.")
    moving = write(merged, people["bob"], "Bob's second text, citing \\cite{conf/nips/Kept17}.")
    thread = make_comment(moving, author=people["carol"], body="Carol asks about bob's.")
    make_comment(moving, author=people["bob"], body="Bob answers.", parent=thread)
    vote(moving, people["dave"])
    vote(moving, people["erin"], Vote.DOWN)
    Draft.objects.save_text(people["carol"], merged, "Carol's draft of the duplicate.")
    return kept, merged


def test_a_merge_moves_the_summaries_with_everything_on_them(pair, people):
    kept, merged = pair
    bobs = Summary.objects.get(author=people["bob"])
    comments = set(bobs.comments.values_list("pk", flat=True))
    votes = set(bobs.votes.values_list("pk", flat=True))
    revisions = list(bobs.revisions.values_list("pk", "number"))
    citations = set(bobs.citations.values_list("key", flat=True))

    log = merge_papers(kept, merged, by=people["staff"])

    assert not Paper.objects.filter(pk=merged.pk).exists()
    bobs = reload(bobs)
    assert bobs.paper_id == kept.pk
    assert set(bobs.comments.values_list("pk", flat=True)) == comments
    assert set(bobs.votes.values_list("pk", flat=True)) == votes
    assert list(bobs.revisions.values_list("pk", "number")) == revisions
    assert set(bobs.citations.values_list("key", flat=True)) == citations
    assert bobs.score == 0  # one up, one down, as before
    assert Summary.objects.filter(paper=kept).count() == 2
    assert Draft.objects.get(author=people["carol"]).paper_id == kept.pk
    assert log.kept_key == kept.bibtex_key and log.merged_key == "journals/corr/Dup17"
    assert log.by == people["staff"] and log.record["summaries"] == [bobs.pk]


def test_the_merged_papers_names_lead_to_the_kept_one(client, pair, people):
    kept, merged = pair
    merge_papers(kept, merged, by=people["staff"])

    kept = reload(kept)
    assert kept.arxiv_id == "1701.00001"  # the kept paper had none
    assert set(kept.aliases.values_list("key", flat=True)) == {
        "journals/corr/Dup17",
        "journals/corr/abs-1701-00001",
    }
    for name in ("journals/corr/Dup17", "journals/corr/abs-1701-00001", "1701.00001"):
        assert Paper.objects.resolve(name) == kept
        response = client.get(f"/paper/{name}/")
        assert response.status_code == 301
        assert response["Location"] == kept.get_absolute_url()
    assert client.get("/paper?bibtexKey=journals/corr/Dup17").status_code == 301


def test_a_different_identifier_of_the_kept_paper_stays_and_the_page_says_so(people):
    kept = make_paper(doi="10.1000/kept")
    merged = make_paper(doi="10.1000/merged")
    plan = plan_merge(kept, merged)
    assert plan.notes == [
        "The DOI 10.1000/merged will name no paper: the kept paper has 10.1000/kept."
    ]
    merge_papers(kept, merged, by=people["staff"])
    assert reload(kept).doi == "10.1000/kept"


def test_summaries_citing_the_merged_paper_are_rendered_to_cite_the_kept_one(pair, people):
    kept, merged = pair
    elsewhere = make_paper("conf/icml/Other18")
    citing = write(
        elsewhere,
        people["erin"],
        "Compare \\cite{journals/corr/Dup17} with \\cite{conf/nips/Kept17} "
        "and \\cite{journals/corr/abs-1701-00001}.",
    )
    assert "/paper/journals/corr/Dup17/" in citing.body_html

    merge_papers(kept, merged, by=people["staff"])

    html = reload(citing).body_html
    assert "/paper/journals/corr/Dup17/" not in html
    assert "/paper/journals/corr/abs-1701-00001/" not in html
    # One work now: the references list it once.
    references = html.split("<h3>References</h3>")[1]
    assert references.count("<li>") == 1
    assert references.count("/paper/conf/nips/Kept17/") == 1
    assert citing.pk in {row[0] for row in Citation.objects.citing(kept)}


def test_the_kept_page_cites_what_cited_either(client, pair, people):
    kept, merged = pair
    citing = write(make_paper(), people["erin"], "Built on \\cite{journals/corr/Dup17}.")
    merge_papers(kept, merged, by=people["staff"])
    page = client.get(kept.get_absolute_url()).content.decode()
    assert citing.get_absolute_url() in page
    assert "<p>Bob's second text, citing" in page


def test_the_same_authors_two_summaries_are_folded_into_the_kept_one(pair, people):
    kept, merged = pair
    alice = people["alice"]
    on_kept = Summary.objects.get(author=alice)
    on_kept = write(kept, alice, "Alice's summary of the kept page, edited.")
    folded = write(merged, alice, "Alice's earlier take, on the duplicate.")
    folded = write(merged, alice, "Alice's later take, on the duplicate.")
    question = make_comment(folded, author=people["carol"], body="A question on the duplicate.")
    vote(on_kept, people["dave"], Vote.DOWN)
    vote(folded, people["dave"], Vote.UP)  # dave voted on both: his vote on the kept stays
    vote(folded, people["erin"], Vote.UP)
    Report.objects.create(reporter=people["erin"], summary=folded, reason="spam")
    before_count = reload(alice).public_summary_count

    log = merge_papers(kept, merged, by=people["staff"])

    assert not Summary.objects.filter(pk=folded.pk).exists()
    on_kept = reload(on_kept)
    assert on_kept.body == summary_text("Alice's summary of the kept page, edited.")
    history = list(on_kept.revisions.values_list("number", "body"))
    assert history == [
        (1, summary_text("Alice's earlier take, on the duplicate.")),
        (2, summary_text("Alice's later take, on the duplicate.")),
        (3, summary_text("Alice's summary of the kept page.")),
    ]
    assert reload(question).summary_id == on_kept.pk
    assert dict(on_kept.votes.values_list("user__username", "value")) == {
        "dave": Vote.DOWN,
        "erin": Vote.UP,
    }
    assert on_kept.score == 0
    assert Report.objects.get().summary_id == on_kept.pk
    assert reload(alice).public_summary_count == before_count - 1
    (fold,) = log.record["folds"]
    assert fold["kept"] == on_kept.pk and len(fold["votes_dropped"]) == 1


def test_summaries_that_differ_in_visibility_are_not_folded(pair, people):
    kept, merged = pair
    write(merged, people["alice"], "Alice's private notes on the duplicate.", private=True)
    before = snapshot()
    plan = plan_merge(kept, merged)
    assert len(plan.problems) == 1 and "alice" in plan.problems[0]
    assert "private" in plan.problems[0]
    with pytest.raises(MergeRefused):
        merge_papers(kept, merged, by=people["staff"])
    assert snapshot() == before
    assert not PaperMerge.objects.exists()


def test_of_two_drafts_by_one_author_the_newer_stays(pair, people):
    kept, merged = pair
    carol = people["carol"]
    newer = Draft.objects.get(author=carol)
    older = Draft.objects.save_text(carol, kept, "Carol's older draft on the kept page.")
    Draft.objects.filter(pk=older.pk).update(saved_at=timezone.now() - timedelta(days=1))

    merge_papers(kept, merged, by=people["staff"])

    assert list(Draft.objects.filter(author=carol).values_list("pk", "paper_id")) == [
        (newer.pk, kept.pk)
    ]


def test_privacy_and_anonymity_are_kept(client, people):
    kept, merged = make_paper(), make_paper()
    secret = write(merged, people["bob"], "A private secret about zebras.", private=True)
    anonymous = write(merged, people["carol"], "An anonymous view on giraffes.", anonymous=True)

    merge_papers(kept, merged, by=people["staff"])

    secret, anonymous = reload(secret), reload(anonymous)
    assert (secret.is_private, anonymous.is_anonymous) == (True, True)
    page = client.get(kept.get_absolute_url()).content.decode()
    assert "zebras" not in page and "giraffes" in page
    assert "carol" not in page
    assert not Document.objects.filter(summary=secret).exists()
    assert reload(people["bob"]).public_summary_count == 0


def test_counts_and_search_follow_the_merge(client, pair, people):
    kept, merged = pair
    counts = sorted(User.objects.values_list("pk", "public_summary_count", "public_comment_count"))
    bobs = Summary.objects.get(author=people["bob"])

    merge_papers(kept, merged, by=people["staff"])

    after = sorted(User.objects.values_list("pk", "public_summary_count", "public_comment_count"))
    assert after == counts  # nothing was folded: everyone keeps what they wrote
    assert not Document.objects.filter(paper_id=merged.pk).exists()
    documents = Document.objects.filter(summary=bobs)
    assert documents.count() == 3  # the summary and its two comments
    assert set(documents.values_list("paper_id", flat=True)) == {kept.pk}
    page = client.get("/search?q=answers").content.decode()
    assert bobs.get_absolute_url() in page or "Bob answers" in page
    assert Document.objects.get(kind="paper", object_id=kept.pk).paper_id == kept.pk


def test_the_claim_that_the_pair_differs_goes(pair, people):
    kept, merged = pair
    DistinctClaim.objects.create(
        paper=merged, similar_to=kept, reason="Not the same", user=people["bob"]
    )
    other = make_paper()
    about = DistinctClaim.objects.create(paper=other, similar_to=merged, reason="Other")
    merge_papers(kept, merged, by=people["staff"])
    assert list(DistinctClaim.objects.values_list("pk", "paper_id", "similar_to_id")) == [
        (about.pk, other.pk, kept.pk)
    ]


def test_a_paper_is_not_merged_into_itself(pair, people):
    kept, _ = pair
    with pytest.raises(MergeRefused, match="itself"):
        merge_papers(kept, kept, by=people["staff"])


def _crowd(paper, n, start):
    """`n` summaries of `paper`, each with a comment, a vote and a revision."""
    for i in range(start, start + n):
        author = make_user(f"writer{i}")
        summary = write(paper, author, f"First text number {i}.")
        summary = write(paper, author, f"Second text number {i}.")
        make_comment(summary, author=make_user(f"reader{i}"))
        vote(summary, make_user(f"voter{i}"))
        Draft.objects.save_text(make_user(f"drafter{i}"), paper, f"A draft {i}.")


def _merge_queries(n, start):
    people = {name: make_user(f"{name}{start}") for name in ("alice", "staff")}
    kept, merged = make_paper(), make_paper()
    write(kept, people["alice"], "The kept paper's own summary.")
    write(merged, people["alice"], "Alice on the duplicate: folded.")
    _crowd(merged, n, start)
    with CaptureQueriesContext(connection) as captured:
        merge_papers(kept, merged, by=people["staff"])
    return len(captured)


def test_a_merge_costs_the_same_queries_however_many_summaries_move():
    few = _merge_queries(2, 100)
    many = _merge_queries(12, 200)
    assert few == many
    # 60, the rows that go with the merged paper (its topics, follows and the
    # notifications of folded summaries), and the two reads that move its follows and
    # topics to the kept paper (following.receivers, topics.receivers).
    assert few <= 66


def test_undo_restores_the_exact_state(pair, people):
    kept, merged = pair
    alice = people["alice"]
    on_kept = Summary.objects.get(author=alice)
    write(kept, alice, "Alice edits the kept one.")
    folded = write(merged, alice, "Alice on the duplicate, first.")
    folded = write(merged, alice, "Alice on the duplicate, second.")
    make_comment(folded, author=people["erin"], body="On alice's duplicate.")
    vote(on_kept, people["dave"])
    vote(folded, people["dave"], Vote.DOWN)
    vote(folded, people["erin"])
    Report.objects.create(reporter=people["dave"], summary=folded, reason="spam")
    Report.objects.create(reporter=people["dave"], summary=on_kept, reason="spam")
    Draft.objects.save_text(people["carol"], kept, "Carol's draft on the kept page.")
    Draft.objects.filter(paper=kept).update(saved_at=timezone.now() - timedelta(days=1))
    DistinctClaim.objects.create(paper=merged, similar_to=kept, reason="Not the same")
    write(make_paper(), people["erin"], "Cites \\cite{journals/corr/Dup17}.")
    before = snapshot()

    log = merge_papers(kept, merged, by=people["staff"])
    assert snapshot() != before
    restored = undo_merge(log, by=people["staff"])

    assert restored.pk == merged.pk
    after = snapshot()
    for name in before:  # table by table, for a readable failure
        assert after[name] == before[name], name
    log = reload(log)
    assert log.is_undone and log.undone_by == people["staff"]
    with pytest.raises(MergeRefused, match="undone already"):
        undo_merge(log, by=people["staff"])


def test_undo_keeps_what_was_written_since(pair, people):
    kept, merged = pair
    alice = people["alice"]
    folded = write(merged, alice, "Alice on the duplicate.")
    question = make_comment(folded, author=people["erin"], body="A question.")
    log = merge_papers(kept, merged, by=people["staff"])
    on_kept = Summary.objects.get(author=alice)
    write(kept, alice, "Alice edits after the merge.")
    reply = make_comment(on_kept, author=people["dave"], body="A reply.", parent=question)

    undo_merge(log, by=people["staff"])

    on_kept = reload(on_kept)
    assert on_kept.body == summary_text("Alice edits after the merge.")
    assert list(on_kept.revisions.values_list("number", flat=True)) == [1]
    assert reload(reply).summary_id == folded.pk  # with its thread
    assert reload(question).summary_id == folded.pk


@pytest.mark.parametrize(
    "change, message",
    [
        ("key", "is another paper's now"),
        ("summary", "1 summary the merge moved or made was deleted"),
        ("alias", "was removed since"),
        ("kept", "was deleted since"),
    ],
)
def test_undo_is_refused_when_it_cannot_be_done_cleanly(pair, people, change, message):
    kept, merged = pair
    log = merge_papers(kept, merged, by=people["staff"])
    if change == "key":
        PaperAlias.objects.filter(key="journals/corr/Dup17").delete()
        make_paper("journals/corr/Dup17")
    elif change == "summary":
        Summary.objects.get(author=people["bob"]).delete()
    elif change == "alias":
        PaperAlias.objects.filter(key="journals/corr/Dup17").delete()
    else:
        kept.delete()
    before = snapshot()
    with pytest.raises(MergeRefused, match=message):
        undo_merge(log, by=people["staff"])
    assert snapshot() == before
    assert not reload(log).is_undone


def test_undo_is_refused_whole_when_a_row_written_since_is_in_the_way(pair, people):
    kept, merged = pair
    alice = people["alice"]
    vote(Summary.objects.get(author=alice), people["dave"])
    folded = write(merged, alice, "Alice on the duplicate.")
    vote(folded, people["dave"])  # dropped by the fold: dave's vote on the kept one stays
    log = merge_papers(kept, merged, by=people["staff"])
    (dropped,) = log.record["folds"][0]["votes_dropped"]
    # A row under the dropped vote's id, which the undo would give it back.
    Vote.objects.create(
        pk=dropped["pk"], summary=Summary.objects.get(author=people["bob"]), user=alice, value=1
    )
    before = snapshot()
    with pytest.raises(MergeRefused, match="in the way"):
        undo_merge(log, by=people["staff"])
    assert snapshot() == before
    assert not reload(log).is_undone


def test_a_merged_papers_feed_is_the_kept_papers(client, pair, people):
    kept, merged = pair
    merge_papers(kept, merged, by=people["staff"])
    response = client.get("/feeds/rss/paper/journals/corr/Dup17/")
    assert response.status_code == 200
    assert "Bob's second text, citing" in response.content.decode()


def test_corrections_and_history_move_with_the_paper_and_back():
    staff = make_user("editor", is_staff=True)
    kept, merged = make_paper("conf/icml/Kept19"), make_paper("journals/corr/Dup19")
    accepted = PaperCorrection.objects.create(
        paper=merged,
        suggested_by=make_user("reader"),
        proposed={"venue": "ICML"},
        original={"venue": merged.venue},
        reason="Published at ICML.",
    )
    corrections.accept(accepted.pk, by=staff)
    pending = PaperCorrection.objects.create(
        paper=merged,
        suggested_by=make_user("other"),
        proposed={"year": 2019},
        original={"year": merged.year},
        reason="The year of the proceedings.",
    )
    revisions = set(PaperRevision.objects.filter(paper=merged).values_list("pk", flat=True))
    assert revisions

    merge = merge_papers(kept, merged, by=staff)

    assert set(PaperCorrection.objects.filter(paper=kept).values_list("pk", flat=True)) == {
        accepted.pk,
        pending.pk,
    }
    assert set(PaperRevision.objects.filter(paper=kept).values_list("pk", flat=True)) == revisions

    undo_merge(merge, by=staff)

    back = Paper.objects.get(bibtex_key="journals/corr/Dup19")
    assert set(PaperCorrection.objects.filter(paper=back).values_list("pk", flat=True)) == {
        accepted.pk,
        pending.pk,
    }
    assert set(PaperRevision.objects.filter(paper=back).values_list("pk", flat=True)) == revisions
    assert not PaperRevision.objects.filter(paper=kept).exists()


def test_follows_and_topics_move_with_the_paper_and_come_back(pair, people):
    kept, merged = pair
    vision = Topic.objects.create(slug="vision", name="Vision")
    learning = Topic.objects.create(slug="learning", name="Learning")
    kept.topics.add(learning)
    merged.topics.add(vision, learning)
    for name in ("dave", "erin"):
        Follow.objects.create(user=people[name], paper=merged)
    Follow.objects.create(user=people["erin"], paper=kept)  # erin follows both
    before = snapshot()

    log = merge_papers(kept, merged, by=people["staff"])
    assert sorted(Follow.objects.filter(paper=kept).values_list("user__username", flat=True)) == [
        "dave",
        "erin",
    ]
    assert sorted(kept.topics.values_list("slug", flat=True)) == ["learning", "vision"]

    undo_merge(log, by=people["staff"])
    after = snapshot()
    assert (after["follows"], after["topics"]) == (before["follows"], before["topics"])
