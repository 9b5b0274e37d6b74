"""The moderators' queue in the admin, its actions, and Hide/Restore on summaries and comments."""

import re

import pytest
from django.utils import timezone

from moderation import services
from moderation.models import Report
from search.models import Document
from summaries.models import Comment, Summary
from tests.factories import make_comment, make_summary, make_user
from tests.utils import queries_for

pytestmark = pytest.mark.django_db
QUEUE = "/admin/moderation/report/"


def report(target, reporter=None, reason=Report.Reason.SPAM, **fields):
    kind = services.target_kind(target)
    return Report.objects.create(
        reporter=reporter or make_user(), reason=reason, **{kind: target}, **fields
    )


def run_action(client, url, action, objects):
    response = client.post(
        url, {"action": action, "_selected_action": [obj.pk for obj in objects]}, follow=True
    )
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


def rows(html):
    return re.findall(r"<tr>.*?</tr>", html.split("<tbody>", 1)[1], re.S)


def indexed(kind, obj):
    return Document.objects.filter(kind=kind, object_id=obj.pk).exists()


def test_queue_lists_open_reports_first_with_target_author_and_count(admin_client):
    old = make_summary(body="An old, already handled summary.")
    resolved = report(old, resolved_at=timezone.now(), outcome=Report.Outcome.DISMISSED)
    summary = make_summary(author=make_user("hannah"), is_anonymous=True, body="Spam, spam, spam.")
    first = report(summary)
    second = report(summary)
    comment = make_comment(make_summary(), author=make_user("troll"), body="A rude remark.")
    on_comment = report(comment, reason=Report.Reason.ABUSE)
    # Newest first among the open ones, even though the resolved one was made last.
    Report.objects.filter(pk=resolved.pk).update(created_at=timezone.now())

    html = admin_client.get(QUEUE).content.decode()

    listed = rows(html)
    assert [
        re.search(r'name="_selected_action" value="(\d+)"', row).group(1) for row in listed
    ] == [str(pk) for pk in (on_comment.pk, second.pk, first.pk, resolved.pk)]
    assert f'<a href="/summaries/{summary.pk}/">Spam, spam, spam.</a>' in listed[1]
    # Staff see who wrote an anonymous summary.
    assert "hannah</a> (published anonymously)" in listed[1]
    assert '<td class="field-reports_on_target">2</td>' in listed[1]
    comment_link = comment.get_absolute_url()
    assert f'<a href="{comment_link}">A rude remark.</a>' in listed[0]
    assert "troll</a>" in listed[0]
    assert "Open" in listed[0] and "Dismissed by" in listed[3]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=open", {"spam summary", "abuse comment"}),
        ("status=resolved", {"resolved summary"}),
        ("reason=abuse", {"abuse comment"}),
        ("kind=comment", {"abuse comment"}),
        ("kind=summary", {"spam summary", "resolved summary"}),
    ],
)
def test_queue_filters(admin_client, query, expected):
    made = {
        "spam summary": report(make_summary(body="spam summary")),
        "abuse comment": report(
            make_comment(make_summary(), body="abuse comment"), reason=Report.Reason.ABUSE
        ),
        "resolved summary": report(
            make_summary(body="resolved summary"),
            resolved_at=timezone.now(),
            outcome=Report.Outcome.HIDDEN,
        ),
    }
    html = admin_client.get(f"{QUEUE}?{query}").content.decode()
    shown = {name for name, item in made.items() if f'value="{item.pk}"' in html}
    assert shown == expected


def test_queue_query_count_does_not_grow_with_reports(admin_client):
    report(make_summary())
    report(make_comment(make_summary()))
    few = queries_for(admin_client, QUEUE)
    for _ in range(12):
        report(make_summary(is_anonymous=True))
        report(make_comment(make_summary()))
    assert queries_for(admin_client, QUEUE) == few


def test_report_page_shows_the_full_text_and_reports_cannot_be_added(admin_client):
    summary = make_summary(body="Line one <b>not bold</b>\nline two")
    item = report(summary, details="See the abstract.")

    html = admin_client.get(f"{QUEUE}{item.pk}/change/").content.decode()

    assert "Line one &lt;b&gt;not bold&lt;/b&gt;<br>line two" in html
    assert "See the abstract." in html
    assert f'href="/admin/summaries/summary/{summary.pk}/change/"' in html
    assert admin_client.get(f"{QUEUE}add/").status_code == 403


def test_hide_action_hides_the_target_and_resolves_all_its_reports(admin_client, admin_user):
    summary = make_summary(body="Buy watches.")
    comment = make_comment(summary, body="Me too.")
    selected = report(summary)
    other = report(summary)
    unrelated = report(make_summary())
    assert indexed("summary", summary) and indexed("comment", comment)

    messages = run_action(admin_client, QUEUE, "hide_content", [selected])

    assert messages == ["Hid 1 summary; 2 reports resolved."]
    assert Summary.objects.get(pk=summary.pk).is_hidden
    for item in (selected, other):
        item.refresh_from_db()
        assert (item.outcome, item.resolved_by) == (Report.Outcome.HIDDEN, admin_user)
        assert item.resolved_at is not None
    assert Report.objects.get(pk=unrelated.pk).resolved_at is None
    # Gone from search, and its comments with it.
    assert not indexed("summary", summary) and not indexed("comment", comment)


def test_hide_then_restore_a_comment_brings_it_back_to_search(admin_client):
    comment = make_comment(make_summary(), body="An off-topic remark.")
    item = report(comment)

    assert run_action(admin_client, QUEUE, "hide_content", [item]) == [
        "Hid 1 comment; 1 report resolved."
    ]
    assert Comment.objects.get(pk=comment.pk).is_hidden
    assert not indexed("comment", comment)

    assert run_action(admin_client, QUEUE, "restore_content", [item]) == [
        "Restored 1 comment; 1 report resolved."
    ]
    assert not Comment.objects.get(pk=comment.pk).is_hidden
    assert indexed("comment", comment)
    assert Report.objects.get(pk=item.pk).outcome == Report.Outcome.RESTORED


def test_one_action_on_several_targets_counts_each_target_once(admin_client):
    summary = make_summary()
    comment = make_comment(make_summary())
    selected = [report(summary), report(summary), report(comment)]

    messages = run_action(admin_client, QUEUE, "hide_content", selected)

    assert messages == ["Hid 1 summary and 1 comment; 3 reports resolved."]


def test_ban_deactivates_the_author_and_hides_all_their_content(admin_client, admin_user):
    spammer = make_user("spammer")
    reported = make_summary(author=spammer)
    elsewhere = make_summary(author=spammer)
    remark = make_comment(make_summary(), author=spammer)
    reply_elsewhere = make_comment(elsewhere, author=make_user())
    on_summary, on_comment = report(reported), report(remark)
    bystander = make_summary()

    messages = run_action(admin_client, QUEUE, "ban_author", [on_summary])

    assert messages == ["Banned 1 user; hid 2 summaries and 1 comment; 2 reports resolved."]
    spammer.refresh_from_db()
    assert not spammer.is_active
    assert set(Summary.objects.filter(is_hidden=True)) == {reported, elsewhere}
    assert list(Comment.objects.filter(is_hidden=True)) == [remark]
    assert {r.outcome for r in Report.objects.filter(pk__in=[on_summary.pk, on_comment.pk])} == {
        Report.Outcome.BANNED
    }
    for kind, obj in [("summary", reported), ("summary", elsewhere), ("comment", remark)]:
        assert not indexed(kind, obj)
    assert not indexed("comment", reply_elsewhere)
    assert indexed("summary", bystander) and not bystander.is_hidden


def test_staff_are_not_banned_from_the_queue(admin_client, admin_user):
    moderator = make_user("moderator", is_staff=True)
    item = report(make_summary(author=moderator))

    messages = run_action(admin_client, QUEUE, "ban_author", [item])

    assert messages == ["Not banned: moderator (staff accounts are managed in the users admin)."]
    moderator.refresh_from_db()
    assert moderator.is_active
    assert Report.objects.get().resolved_at is None


def test_dismiss_closes_the_open_reports_and_leaves_the_content(admin_client, admin_user):
    summary = make_summary()
    selected, other = report(summary), report(summary)
    decided = report(summary, resolved_at=timezone.now(), outcome=Report.Outcome.RESTORED)

    messages = run_action(admin_client, QUEUE, "dismiss", [selected])

    assert messages == ["Dismissed: 2 reports resolved."]
    assert {r.outcome for r in Report.objects.filter(pk__in=[selected.pk, other.pk])} == {
        Report.Outcome.DISMISSED
    }
    assert Report.objects.get(pk=decided.pk).outcome == Report.Outcome.RESTORED
    assert not Summary.objects.get(pk=summary.pk).is_hidden
    assert indexed("summary", summary)


def test_staff_without_change_permission_get_no_actions(client):
    from django.contrib.auth.models import Permission

    viewer = make_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_report"))
    item = report(make_summary())
    client.force_login(viewer)

    response = client.post(QUEUE, {"action": "hide_content", "_selected_action": [item.pk]})

    assert response.status_code in (200, 302)
    assert not Summary.objects.filter(is_hidden=True).exists()
    assert Report.objects.get().resolved_at is None


def test_hide_and_restore_in_the_summary_admin(admin_client):
    summary = make_summary()
    item = report(summary)
    url = "/admin/summaries/summary/"

    assert run_action(admin_client, url, "hide", [summary]) == ["Hid 1 summary; 1 report resolved."]
    assert Summary.objects.get().is_hidden and not indexed("summary", summary)
    assert Report.objects.get(pk=item.pk).outcome == Report.Outcome.HIDDEN
    html = admin_client.get(f"{url}?is_hidden__exact=1").content.decode()
    assert f'value="{summary.pk}"' in html
    assert (
        f'value="{summary.pk}"'
        not in admin_client.get(f"{url}?is_hidden__exact=0").content.decode()
    )

    assert run_action(admin_client, url, "restore", [summary]) == [
        "Restored 1 summary; 1 report resolved."
    ]
    assert not Summary.objects.get().is_hidden and indexed("summary", summary)


def test_hide_and_restore_in_the_comment_admin(admin_client):
    comments = [make_comment(make_summary()) for _ in range(2)]
    url = "/admin/summaries/comment/"

    assert run_action(admin_client, url, "hide", comments) == [
        "Hid 2 comments; 0 reports resolved."
    ]
    assert Comment.objects.filter(is_hidden=True).count() == 2
    assert not any(indexed("comment", comment) for comment in comments)

    assert run_action(admin_client, url, "restore", comments[:1]) == [
        "Restored 1 comment; 0 reports resolved."
    ]
    assert indexed("comment", comments[0]) and not indexed("comment", comments[1])


def test_user_admin_bans_and_unbans_but_never_staff(admin_client):
    spammer = make_user("spammer")
    spam = make_summary(author=spammer, body="Buy cheap pills.")
    colleague = make_user("colleague", is_staff=True)

    messages = run_action(admin_client, "/admin/accounts/user/", "ban", [spammer, colleague])

    assert messages == ["Banned 1 user."]
    spammer.refresh_from_db()
    colleague.refresh_from_db()
    assert not spammer.is_active and colleague.is_active
    assert Summary.objects.get(pk=spam.pk).is_hidden

    messages = run_action(admin_client, "/admin/accounts/user/", "unban", [spammer])

    assert messages == ["Unbanned 1 user."]
    spammer.refresh_from_db()
    assert spammer.is_active
    assert Summary.objects.get(pk=spam.pk).is_hidden
