from urllib.parse import urlencode

from django.contrib import admin, messages
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from . import history
from .models import (
    DistinctClaim,
    Paper,
    PaperAlias,
    PaperCorrection,
    PaperRevision,
    Venue,
    VenueAlias,
)
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
    actions = ["merge_selected"]

    @admin.action(description="Merge the two selected papers")
    def merge_selected(self, request, queryset):
        # The older page is offered as the one to keep; the merge page can swap them.
        papers = list(queryset.order_by("created_at", "pk")[:3])
        if len(papers) != 2:
            self.message_user(request, "Select exactly two papers to merge.", messages.WARNING)
            return None
        return redirect(merge_url(kept=papers[0], merged=papers[1]))

    def save_model(self, request, obj, form, change):
        # The paper's history (papers.history) records a moderator's edit like any other
        # change; the admin's change view is one transaction, so both or neither.
        before = history.snapshot(Paper.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        if before is not None:
            history.record(obj, before, source=PaperRevision.Source.ADMIN, by=request.user)


def merge_url(*, kept, merged):
    """The staff page that shows what merging `merged` into `kept` would do."""
    query = urlencode({"kept": kept.bibtex_key, "merged": merged.bibtex_key})
    return f"{reverse('papers:merge')}?{query}"


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

    list_display = ["added", "looked_like", "reason", "user", "created_at", "merge"]
    list_select_related = ["paper", "similar_to", "user"]
    search_fields = ["paper__bibtex_key", "similar_to__bibtex_key", "paper__title", "reason"]
    fields = ["added", "looked_like", "reason", "user", "created_at", "merge"]
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

    @admin.display(description="if they are one paper")
    def merge(self, claim):
        # The paper added despite the warning is the newer page: merged into the other.
        url = merge_url(kept=claim.similar_to, merged=claim.paper)
        return format_html('<a href="{}">Merge them…</a>', url)


@admin.register(PaperCorrection)
class PaperCorrectionAdmin(admin.ModelAdmin):
    """Readers' corrections, for looking one up. They are decided in the site's own queue
    (/papers/corrections/), which applies an accepted one and records it in the paper's
    history; here they are read only."""

    list_display = ["paper_link", "suggested_by", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["paper", "suggested_by"]
    search_fields = ["paper__bibtex_key", "paper__title", "suggested_by__username"]
    fields = ["paper_link", "suggested_by", "proposed", "original", "reason", "status"]
    fields += ["created_at", "decided_at", "decided_by"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="paper", ordering="paper__title")
    def paper_link(self, correction):
        return _paper_links(correction.paper)


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
