"""The moderators' queue: readers' reports, open ones first, and the decisions on them.

Every decision is taken on a report's target (the summary or comment), so each action
resolves all the reports on the targets of the selected reports, not only those
selected. The writes are in moderation.services.
"""

from django.contrib import admin, messages
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html

from markup.readable import readable_text
from shortscience.text import plural
from summaries.models import comment_url

from . import services
from .models import Report

EXCERPT_CHARS = 90


def describe_targets(targets):
    """The targets counted by kind ("2 summaries and 1 comment"), for the messages."""
    summaries = sum(1 for target in targets if services.target_kind(target) == "summary")
    parts = [
        plural(summaries, "summary", "summaries"),
        plural(len(targets) - summaries, "comment"),
    ]
    return " and ".join(part for part in parts if not part.startswith("0 ")) or "nothing"


def target_url(report):
    """The reported item on the site, without loading the summary a comment is on."""
    if report.summary_id:
        return reverse("summaries:detail", args=[report.summary_id])
    return comment_url(report.comment.summary_id, report.comment_id)


def _reports_on_same_target(field):
    same = Report.objects.filter(**{field: OuterRef(field)}).order_by().values(field)
    return Subquery(same.annotate(count=Count("pk")).values("count")[:1])


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("resolved", "Resolved")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


class KindFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("summary", "Summary"), ("comment", "Comment")]

    def queryset(self, request, queryset):
        if self.value() in ("summary", "comment"):
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = [
        "target_excerpt",
        "kind",
        "reason",
        "target_author",
        "reports_on_target",
        "reporter",
        "created_at",
        "status",
    ]
    # The excerpt links to the item on the site; the reason opens the report.
    list_display_links = ["reason"]
    list_filter = [StatusFilter, "reason", KindFilter, "outcome"]
    list_select_related = ["reporter", "resolved_by", "summary__author", "comment__author"]
    search_fields = ["details", "reporter__username", "summary__body", "comment__body"]
    # Open reports (no resolved_at) first, then the most recently decided.
    ordering = [F("resolved_at").desc(nulls_first=True), "-created_at", "-pk"]
    fields = [
        "target_link",
        "target_author",
        "target_text",
        "reports_on_target",
        "reporter",
        "reason",
        "details",
        "created_at",
        "status",
        "resolved_by",
    ]
    readonly_fields = fields
    actions = ["hide_content", "restore_content", "ban_author", "dismiss"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                target_report_count=Coalesce(
                    _reports_on_same_target("summary"), _reports_on_same_target("comment"), 0
                )
            )
        )

    def has_add_permission(self, request):
        # Reports come from readers, through the site's form.
        return False

    @admin.display(description="reported text")
    def target_excerpt(self, report):
        target = report.target
        text = readable_text(target.excerpt_html or target.body_html)
        if len(text) > EXCERPT_CHARS:
            text = text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
        hidden = " (hidden)" if report.target.is_hidden else ""
        return format_html('<a href="{}">{}</a>{}', target_url(report), text or "(empty)", hidden)

    @admin.display(description="target")
    def target_link(self, report):
        kind = services.target_kind(report.target)
        admin_url = reverse(f"admin:summaries_{kind}_change", args=[report.target.pk])
        return format_html(
            '<a href="{}">{} {} on the site</a> · <a href="{}">in the admin</a>',
            target_url(report),
            kind.capitalize(),
            report.target.pk,
            admin_url,
        )

    @admin.display(description="text")
    def target_text(self, report):
        # As written, not rendered: what the author typed is what is judged. The admin
        # escapes it and keeps its line breaks.
        return report.target.body

    @admin.display(description="kind")
    def kind(self, report):
        return "Summary" if report.summary_id else "Comment"

    @admin.display(description="author")
    def target_author(self, report):
        # Staff see who wrote an anonymous summary: they need it to act on the account.
        author = report.target.author
        anonymous = (
            " (published anonymously)" if getattr(report.target, "is_anonymous", False) else ""
        )
        url = reverse("admin:accounts_user_change", args=[author.pk])
        banned = "" if author.is_active else " (banned)"
        return format_html('<a href="{}">{}</a>{}{}', url, author.username, anonymous, banned)

    @admin.display(description="reports on it", ordering="target_report_count")
    def reports_on_target(self, report):
        return report.target_report_count

    @admin.display(description="status", ordering="resolved_at")
    def status(self, report):
        if report.resolved_at is None:
            return "Open"
        return f"{report.get_outcome_display()} by {report.resolved_by or 'a former moderator'}"

    @admin.action(description="Hide the reported content", permissions=["change"])
    def hide_content(self, request, queryset):
        targets = self._targets(queryset)
        resolved = sum(services.hide(target, request.user) for target in targets)
        self.message_user(
            request,
            f"Hid {describe_targets(targets)}; {plural(resolved, 'report')} resolved.",
            messages.SUCCESS,
        )

    @admin.action(description="Restore the reported content", permissions=["change"])
    def restore_content(self, request, queryset):
        targets = self._targets(queryset)
        resolved = sum(services.restore(target, request.user) for target in targets)
        self.message_user(
            request,
            f"Restored {describe_targets(targets)}; {plural(resolved, 'report')} resolved.",
            messages.SUCCESS,
        )

    @admin.action(description="Ban the author", permissions=["change"])
    def ban_author(self, request, queryset):
        authors = {target.author_id: target.author for target in self._targets(queryset)}
        refused = [user for user in authors.values() if user.is_staff or user == request.user]
        if refused:
            names = ", ".join(sorted(user.username for user in refused))
            self.message_user(
                request,
                f"Not banned: {names} (staff accounts are managed in the users admin).",
                messages.WARNING,
            )
        banned = summaries = comments = resolved = 0
        for user in authors.values():
            if user in refused:
                continue
            hid_summaries, hid_comments, closed = services.ban(user, request.user)
            banned += 1
            summaries += hid_summaries
            comments += hid_comments
            resolved += closed
        if banned:
            self.message_user(
                request,
                f"Banned {plural(banned, 'user')}; hid {plural(summaries, 'summary', 'summaries')}"
                f" and {plural(comments, 'comment')}; {plural(resolved, 'report')} resolved.",
                messages.SUCCESS,
            )

    @admin.action(description="Dismiss", permissions=["change"])
    def dismiss(self, request, queryset):
        resolved = services.dismiss(list(queryset), request.user)
        self.message_user(
            request, f"Dismissed: {plural(resolved, 'report')} resolved.", messages.SUCCESS
        )

    def _targets(self, queryset):
        """The distinct summaries and comments the selected reports are on."""
        reports = queryset.select_related("summary__paper", "summary__author", "comment__author")
        targets = {}
        for report in reports:
            target = report.target
            targets[(services.target_kind(target), target.pk)] = target
        return list(targets.values())
