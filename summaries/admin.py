from django.contrib import admin, messages

from moderation import services as moderation

from .models import Comment, Summary


class HideRestoreActions:
    """Moderators' Hide and Restore, the same writes as the report queue's: the search
    index follows, and the reports on each item are resolved."""

    actions = ["hide", "restore"]

    @admin.action(description="Hide", permissions=["change"])
    def hide(self, request, queryset):
        self._apply(request, queryset, moderation.hide, "Hid")

    @admin.action(description="Restore", permissions=["change"])
    def restore(self, request, queryset):
        self._apply(request, queryset, moderation.restore, "Restored")

    def _apply(self, request, queryset, decide, verb):
        items = list(queryset)
        resolved = sum(decide(item, request.user) for item in items)
        noun = (
            self.model._meta.verbose_name
            if len(items) == 1
            else self.model._meta.verbose_name_plural
        )
        reports = "1 report" if resolved == 1 else f"{resolved} reports"
        self.message_user(
            request, f"{verb} {len(items)} {noun}; {reports} resolved.", messages.SUCCESS
        )


@admin.register(Summary)
class SummaryAdmin(HideRestoreActions, admin.ModelAdmin):
    list_display = [
        "paper",
        "author",
        "is_private",
        "is_anonymous",
        "is_hidden",
        "score",
        "created_at",
    ]
    list_filter = ["is_hidden", "is_private", "is_anonymous"]
    list_select_related = ["paper", "author"]
    search_fields = ["paper__title", "paper__bibtex_key", "author__username", "body"]
    raw_id_fields = ["paper", "author"]
    readonly_fields = ["score", "created_at", "updated_at", "renderer_version"]


@admin.register(Comment)
class CommentAdmin(HideRestoreActions, admin.ModelAdmin):
    list_display = ["summary", "author", "is_hidden", "deleted_at", "created_at"]
    list_filter = ["is_hidden"]
    list_select_related = ["summary__paper", "summary__author", "author"]
    search_fields = ["body", "author__username"]
    raw_id_fields = ["summary", "author"]
    readonly_fields = ["created_at", "renderer_version"]
