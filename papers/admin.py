from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from .models import DistinctClaim, Paper, PaperAlias, Venue, VenueAlias
from .venues import venue_key


class PaperAliasInline(admin.TabularInline):
    model = PaperAlias
    extra = 0
    fields = ["key", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ["bibtex_key", "title", "venue", "year"]
    list_filter = ["year"]
    search_fields = ["bibtex_key", "title", "authors", "arxiv_id", "doi", "aliases__key"]
    readonly_fields = ["created_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [PaperAliasInline]


def _paper_links(paper):
    """A paper as moderators compare it: its page, and its admin page to edit it."""
    edit = reverse("admin:papers_paper_change", args=[paper.pk])
    return format_html(
        '<a href="{}">{}</a> <span class="small">({} {}) · <a href="{}">edit</a></span>',
        paper.get_absolute_url(),
        paper.title,
        paper.bibtex_key,
        paper.year or "",
        edit,
    )


@admin.register(DistinctClaim)
class DistinctClaimAdmin(admin.ModelAdmin):
    """Papers added although they looked like one the site had, with their adders'
    reasons: a reason that does not hold means one paper on two pages, to be merged."""

    list_display = ["added", "looked_like", "reason", "user", "created_at"]
    list_select_related = ["paper", "similar_to", "user"]
    search_fields = ["paper__bibtex_key", "similar_to__bibtex_key", "paper__title", "reason"]
    fields = ["added", "looked_like", "reason", "user", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        # Claims are made by adding a paper, nowhere else.
        return False

    @admin.display(description="paper added", ordering="paper__title")
    def added(self, claim):
        return _paper_links(claim.paper)

    @admin.display(description="looked like", ordering="similar_to__title")
    def looked_like(self, claim):
        return _paper_links(claim.similar_to)


class VenueAliasInline(admin.TabularInline):
    model = VenueAlias
    extra = 3
    fields = ["name"]


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    """The venue table: a venue's name, as papers store and pages print it, and the
    spellings sources give it. A spelling added here maps papers added from then on;
    `manage.py normalize_venues` renames the papers already stored under it."""

    list_display = ["name", "full_name", "spellings"]
    search_fields = ["name", "full_name", "aliases__name"]
    inlines = [VenueAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(spelling_count=models.Count("aliases"))

    @admin.display(description="spellings", ordering="spelling_count")
    def spellings(self, venue):
        return venue.spelling_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The venue's own name and full name lead to it too (Venue.clean checked that
        # no other venue has them).
        venue = form.instance
        have = set(venue.aliases.values_list("key", flat=True))
        for name in (venue.name, venue.full_name):
            if (key := venue_key(name)) and key not in have:
                VenueAlias.objects.create(venue=venue, name=name)
                have.add(key)
