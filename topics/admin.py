from django.contrib import admin

from .models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """Moderators curate topics here; papers and summaries are tagged elsewhere (a
    lookup's arXiv categories, the summary form)."""

    list_display = ["slug", "name"]
    search_fields = ["slug", "name"]
    # Thousands of papers carry a topic: its papers are not an admin field.
    exclude = ["papers", "summaries"]
