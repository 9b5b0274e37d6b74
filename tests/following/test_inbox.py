"""The inbox: fan-out of new summaries to followers, comments, replies and mentions, the
page, marking read, the header's count and the kinds a user turns off."""

import pytest
from django.test import override_settings

from following import inbox, services
from following.models import InboxPreference, Notification
from markup.mentions import MENTION_LIMIT, link_mentions, mentioned_names
from summaries import services as summary_services
from summaries.models import Summary
from tests.factories import make_paper, make_summary, make_user, summary_text
from tests.utils import queries_for
from topics.models import Topic

pytestmark = pytest.mark.django_db

INBOX = "/notifications/"
_capture = None


@pytest.fixture(autouse=True)
def _tasks_on_commit(django_capture_on_commit_callbacks):
    # The tests' immediate task backend runs a task when its write commits (tests/
    # settings.py); a test's transaction never commits, so the helpers below run
    # each write's callbacks as its commit would.
    global _capture
    _capture = django_capture_on_commit_callbacks
    yield
    _capture = None


def committed():
    return _capture(execute=True)


def comment(summary, author, body, parent=None):
    with committed():
        return summary_services.add_comment(
            summary=summary, author=author, body=body, parent=parent
        )[0]


def publish(paper, author, body=None, **fields):
    with committed():
        summary, _ = summary_services.save_summary(
            paper=paper,
            author=author,
            body=body or summary_text("A new summary."),
            is_private=fields.get("is_private", False),
            is_anonymous=fields.get("is_anonymous", False),
        )
    return summary


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# Mentions in the one markup path


def test_mentions_are_found_in_linear_time_and_link_known_users_only():
    assert mentioned_names("Thanks @Ada. and @bob_2, not a@b.org or @@x") == ["ada", "bob_2"]
    html = link_mentions(
        "<p>Hi @Ada and @ghost, <code>@ada</code> <a href='x'>@ada</a></p>",
        {"ada": ("ada", "/user/ada/")},
    )
    assert html.count('class="mention"') == 1
    assert '<a class="mention" data-mention="ada" href="/user/ada/">@Ada</a>' in html
    assert "@ghost" in html and "<code>@ada</code>" in html
    # Adversarial input stays linear: a long run of at-signs and name characters.
    assert mentioned_names("@" * 100_000 + "a" * 100_000) == []
    assert len(mentioned_names(" @a" * 50_000)) == 1


def test_a_comment_mention_links_the_profile_and_notifies():
    ada, bob = make_user("ada"), make_user("bob")
    summary = make_summary(author=make_user("carol"))
    posted = comment(summary, bob, "What do you think, @ada? And `@ada` in code.")
    assert posted.body_html.count('href="/user/ada/"') == 1
    (note,) = Notification.objects.filter(recipient=ada)
    assert (note.kind, note.actor, note.comment) == ("mention", bob, posted)


def test_mentions_are_bounded_per_text():
    users = [make_user(f"u{i}") for i in range(MENTION_LIMIT + 3)]
    body = " ".join(f"@{u.username}" for u in users)
    summary = make_summary()
    comment(summary, make_user(), body)
    assert Notification.objects.filter(kind="mention").count() == MENTION_LIMIT


# Fan-out of a new summary


def test_a_new_summary_notifies_each_follower_once_with_the_strongest_reason():
    author, paper = make_user("author"), make_paper(venue="ICML")
    topic = Topic.objects.get(slug="cs.LG")
    paper.topics.add(topic)
    both, fan, venue_reader, topic_reader, nobody = (make_user() for _ in range(5))
    services.follow(both, "paper", paper)
    services.follow(both, "person", author)
    services.follow(fan, "person", author)
    services.follow(venue_reader, "venue", "icml")
    services.follow(topic_reader, "topic", topic)
    services.follow(author, "paper", paper)  # never about one's own summary
    summary = publish(paper, author)
    assert kinds(both) == ["paper"]
    assert kinds(fan) == ["person"]
    assert kinds(venue_reader) == ["venue"]
    assert kinds(topic_reader) == ["topic"]
    assert kinds(nobody) == kinds(author) == []
    assert set(Notification.objects.values_list("actor", flat=True)) == {author.pk}
    # Run again (a task may run twice): nothing new.
    inbox.summary_published(summary.pk)
    assert Notification.objects.count() == 4
    # An edit does not notify again.
    publish(paper, author, body=summary_text("An edited summary."))
    assert Notification.objects.count() == 4


def test_anonymous_summaries_never_name_their_author_nor_reach_their_followers():
    author, paper = make_user("author"), make_paper()
    paper_reader, fan = make_user(), make_user()
    services.follow(paper_reader, "paper", paper)
    services.follow(fan, "person", author)
    publish(paper, author, is_anonymous=True)
    (note,) = Notification.objects.all()
    assert (note.recipient, note.actor) == (paper_reader, None)


def test_private_summaries_notify_no_one_until_made_public():
    author, paper, reader = make_user(), make_paper(), make_user()
    services.follow(reader, "paper", paper)
    publish(paper, author, is_private=True)
    assert not Notification.objects.exists()
    publish(paper, author)  # made public by an edit
    assert kinds(reader) == ["paper"]


def test_fan_out_writes_in_batches(monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(inbox, "BATCH", 3)
    paper = make_paper()
    readers = [make_user() for _ in range(7)]
    for reader in readers:
        services.follow(reader, "paper", paper)
    summary = make_summary(paper=paper)  # no task: written past the service
    Notification.objects.all().delete()
    assert inbox.summary_published(summary.pk) == 7
    assert Notification.objects.count() == 7


def test_muted_kinds_are_not_written():
    author, paper, reader = make_user(), make_paper(), make_user()
    services.follow(reader, "paper", paper)
    InboxPreference.objects.create(user=reader, muted=["paper"])
    publish(paper, author)
    assert not Notification.objects.exists()


# Comments and replies


def test_comments_and_replies_notify_the_author_and_the_thread():
    author, asker, replier, third = (make_user(n) for n in ("author", "asker", "replier", "third"))
    summary = make_summary(author=author)
    question = comment(summary, asker, "Why?")
    assert kinds(author) == ["comment"]
    comment(summary, replier, "Because.", parent=question)
    assert kinds(asker) == ["reply"]
    assert kinds(author) == ["comment", "comment"]
    comment(summary, third, "Also.", parent=question)
    assert kinds(asker) == ["reply", "reply"] and kinds(replier) == ["reply"]
    assert kinds(third) == []


def test_comments_on_anonymous_and_private_summaries():
    author, reader = make_user("author"), make_user("reader")
    anonymous = make_summary(author=author, is_anonymous=True)
    question = comment(anonymous, reader, "Why?")
    comment(anonymous, author, "So.", parent=question)
    (note,) = Notification.objects.filter(recipient=reader)
    assert note.actor is None  # the anonymous author answering
    private = make_summary(author=author, is_private=True)
    comment(private, author, "Note to self @reader")
    assert Notification.objects.filter(recipient=reader).count() == 1


# The page, the count, marking read


def test_inbox_page_marks_read_and_the_header_counts(client):
    author, reader = make_user("author"), make_user("reader")
    paper = make_paper(title="A followed paper")
    services.follow(reader, "paper", paper)
    client.force_login(reader)
    html = client.get(INBOX).content.decode()
    assert "<title>Inbox · " in html
    assert "Your inbox is empty." in html
    assert "unread-count" not in html

    first = publish(paper, author)
    other = publish(make_paper(), author)
    services.follow(reader, "person", author)
    third = publish(make_paper(), author)
    assert {first.pk, third.pk} <= set(Notification.objects.values_list("summary", flat=True))
    assert other.pk not in set(Notification.objects.values_list("summary", flat=True))
    html = client.get(INBOX).content.decode()
    assert '<span class="badge rounded-pill text-bg-danger unread-count">2<' in html
    assert "“A followed paper”, a paper you follow" in html
    assert html.index(f"notification-{Notification.objects.get(summary=third).pk}") < html.index(
        f"notification-{Notification.objects.get(summary=first).pk}"
    )

    note = Notification.objects.get(summary=first)
    response = client.post(f"/notifications/{note.pk}/read/", {"go": "1"})
    assert response["Location"] == first.get_absolute_url()
    assert 'unread-count">1<' in client.get(INBOX).content.decode()
    client.post("/notifications/read/")
    assert "unread-count" not in client.get(INBOX).content.decode()
    # Another user's notification is not theirs to mark.
    client.force_login(author)
    assert client.post(f"/notifications/{note.pk}/read/").status_code == 404


def test_hidden_or_private_since_drops_out_of_the_inbox_and_count(client):
    author, reader = make_user("author"), make_user("reader")
    paper = make_paper()
    services.follow(reader, "paper", paper)
    summary = publish(paper, author, body=summary_text("SECRET-LATER summary text."))
    client.force_login(reader)
    assert "unread-count" in client.get(INBOX).content.decode()
    publish(paper, author, body=summary.body, is_private=True)
    inbox.forget_counts([reader.pk])
    html = client.get(INBOX).content.decode()
    assert "unread-count" not in html
    assert f"notification-{Notification.objects.get().pk}" not in html


def test_inbox_is_keyset_paged_at_a_fixed_number_of_queries(client):
    reader = make_user()
    paper = make_paper()
    services.follow(reader, "paper", paper)
    make_summary(paper=paper)
    inbox.summary_published(paper.summaries.get().pk)
    client.force_login(reader)
    one = queries_for(client, INBOX)
    for _ in range(25):
        summary = make_summary(paper=make_paper())
        Notification.objects.create(recipient=reader, kind="paper", summary=summary)
    assert queries_for(client, INBOX) == one


def test_header_count_is_cached_per_user(client, django_assert_num_queries):
    reader = make_user()
    Notification.objects.create(recipient=reader, kind="paper", summary=make_summary())
    assert inbox.unread_count(reader) == 1
    with django_assert_num_queries(0):
        assert inbox.unread_count(reader) == 1


def test_inbox_settings_turn_kinds_off(client):
    reader = make_user()
    client.force_login(reader)
    client.post("/notifications/settings/", {"kinds": ["comment", "reply", "mention"]})
    assert InboxPreference.objects.get(user=reader).muted == ["paper", "person", "venue", "topic"]
    html = client.get(INBOX).content.decode()
    assert 'value="comment" checked' in html.replace(' id="id_kinds_4"', "") or "checked" in html


def test_visitors_are_sent_to_log_in(client):
    assert client.get(INBOX).status_code == 302


@override_settings(FRAGMENT_CACHE_SECONDS=0)
def test_the_header_links_the_inbox(client):
    client.force_login(make_user())
    assert 'href="/notifications/"' in client.get("/").content.decode()


def test_a_summary_made_anonymous_since_is_not_signed_by_its_notifications(client):
    author, reader, fan = make_user("secretauthor"), make_user("reader"), make_user("fan")
    paper = make_paper(title="Signed, then not")
    services.follow(reader, "paper", paper)
    services.follow(fan, "person", author)
    summary = publish(paper, author)
    comment(summary, author, "A note from the author @reader.")
    summary_services.save_summary(
        paper=paper, author=author, body=summary.body, is_private=False, is_anonymous=True
    )
    client.force_login(reader)
    html = client.get(INBOX).content.decode()
    assert "secretauthor" not in html
    assert "An anonymous author" in html and "The summary's author" in html
    # "A person you follow wrote it" would say who: it drops out, and from the count.
    client.force_login(fan)
    inbox.forget_counts([fan.pk])
    html = client.get(INBOX).content.decode()
    assert "Your inbox is empty." in html and "unread-count" not in html


# Mentions added by an edit


def test_an_edit_notifies_only_the_newly_mentioned_once():
    author = make_user("author")
    ada, bob, cy, fan = make_user("ada"), make_user("bob"), make_user("cy"), make_user("fan")
    paper = make_paper()
    services.follow(fan, "paper", paper)
    summary = publish(paper, author, body=summary_text("Thanks @ada."))
    assert kinds(ada) == ["mention"] and kinds(fan) == ["paper"]
    # bob is new; ada was mentioned before; fan heard of this summary already; the
    # author mentioning themselves hears nothing.
    publish(paper, author, body=summary_text("Thanks @ada, @bob, @fan and @author."))
    assert kinds(bob) == ["mention"]
    (note,) = Notification.objects.filter(recipient=bob)
    assert (note.actor, note.summary, note.comment) == (author, summary, None)
    assert kinds(ada) == ["mention"] and kinds(fan) == ["paper"] and kinds(author) == []
    # Taken out and put back: bob is not told twice.
    publish(paper, author, body=summary_text("Thanks @ada."))
    publish(paper, author, body=summary_text("Thanks @ada and @bob."))
    assert kinds(bob) == ["mention"]
    # An edit that changes nothing else but the text of a private summary tells no one.
    publish(paper, author, body=summary_text("Thanks @cy."), is_private=True)
    assert kinds(cy) == []
    # Made public again: the fan-out of a newly public summary tells cy.
    publish(paper, author, body=summary_text("Thanks @cy."))
    assert kinds(cy) == ["mention"]


def test_an_edit_of_an_anonymous_summary_mentions_without_naming_its_author():
    author, ada = make_user("author"), make_user("ada")
    paper = make_paper()
    publish(paper, author, is_anonymous=True)
    publish(paper, author, body=summary_text("As @ada said."), is_anonymous=True)
    (note,) = Notification.objects.filter(recipient=ada)
    assert (note.kind, note.actor) == ("mention", None)


def test_an_edit_of_a_hidden_summary_mentions_no_one():
    author, ada = make_user("author"), make_user("ada")
    paper = make_paper()
    summary = publish(paper, author)
    Summary.objects.filter(pk=summary.pk).update(is_hidden=True)
    publish(paper, author, body=summary_text("As @ada said."))
    assert kinds(ada) == []
    # Run directly too (a task enqueued before the summary was hidden).
    assert inbox.mentions_added(summary.pk, []) == 0
    assert kinds(ada) == []
