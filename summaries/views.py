from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from accounts.posting import verified_email_to_post
from markup.render import Refused
from papers.models import Paper
from papers.rendering import render_cited, render_text
from papers.views import answers_unknown_papers, get_paper_or_404, listing_url
from shortscience import fragments
from shortscience.pagination import redirects_page_numbers
from shortscience.ratelimit import ratelimit

from . import cards, idempotency, listing, services, stash
from .discussion import discussion_page
from .forms import CommentForm, SummaryForm, reply_form
from .models import Comment, Draft, Summary

FEED_PAGE_SIZE = 10


def _get_visible_summary(request, pk):
    """A summary the viewer may see, with what its page prints but its comments (a
    page of them: summaries.discussion); 404 otherwise.

    Someone else's private summary answers 404, not 403: its existence is private too.
    """
    queryset = (
        Summary.objects.visible_to(request.user)
        .with_paper_and_author()
        .with_shown_text(whole_up_to=None)
        .with_user_vote(request.user)
    )
    return get_object_or_404(queryset, pk=pk)


def _get_own_summary(request, pk):
    summary = get_object_or_404(Summary.objects.select_related("paper"), pk=pk)
    if summary.author_id != request.user.id:
        if summary.is_private:
            raise Http404
        raise PermissionDenied
    return summary


@redirects_page_numbers
def home(request, tab="recent"):
    """The homepage's tabs: Recent (newest first), Popular (score decayed by age, see
    `summaries.ranking.hotness`) and Top (highest score of all time), paged by keyset.

    A visitor's page is cached whole; a reader's, as its list (`_home_page`)."""
    return fragments.cached_page(request, [fragments.LISTINGS], lambda: _home_page(request, tab))


def _home_page(request, tab):
    title, ordering = {
        "recent": ("Recent summaries", "newest_first"),
        "popular": ("Popular summaries", "popular_first"),
        "top": ("Top summaries", "best_first"),
    }[tab]

    def build():
        page = listing.tab_page(request, ordering, FEED_PAGE_SIZE)
        cards.attach(page)
        html = render_to_string("summaries/_home_page.html", {"page": page, "tab": tab}, request)
        return {"is_first": page.is_first, "html": html}

    # Per viewer, since the items say how they voted; they hold no form, so no CSRF
    # token. The whole query string, since it holds the page's cursor.
    parts = (request.get_full_path(), request.user.pk)
    page = fragments.cached("home-page", parts, [fragments.LISTINGS], build)
    return render(request, "summaries/home.html", {"page": page, "tab": tab, "title": title})


def detail(request, pk):
    """The summary with a page of its discussion: the page asked for (`?page=`), or the
    one holding the thread replied to (`?reply=`, a kept reply) or the comment linked
    to (`?comment=`); see summaries.discussion."""
    summary = _get_visible_summary(request, pk)
    kept = {}
    if request.user.is_authenticated:
        # A text kept across a login goes back where it was written: under the comment
        # it replied to, or in the comment form. `?reply=` opens a reply form without
        # JavaScript.
        kept = stash.pop(request, f"comment:{pk}") or {}
    replying_to = kept.get("parent") or request.GET.get("reply")
    thread = Comment.objects.thread_for(summary, replying_to) if replying_to else None
    page = discussion_page(
        summary,
        number=request.GET.get("page"),
        comment=request.GET.get("comment"),
        thread=thread.pk if thread else None,
    )
    cards.attach_blocks([summary], request, level=2)
    if not request.user.is_authenticated:
        # A visitor lands on the thread, and logs in to answer it.
        thread = None
    comment_form, reply = CommentForm(initial=kept or None), None
    if thread is not None:
        if kept.get("parent"):
            comment_form, reply = CommentForm(), reply_form(thread, initial=kept)
        else:
            reply = reply_form(thread)
    return render(
        request,
        "summaries/detail.html",
        {
            "summary": summary,
            "paper": summary.paper,
            "comment_form": comment_form,
            "reply_form": reply,
            "reply_to": thread.pk if thread else None,
            "comment_pages": page,
            "listing_url": listing_url(summary, request.user),
        },
    )


@verified_email_to_post
@ratelimit("summary")
@answers_unknown_papers
def write(request, key):
    """Write a summary of a paper, or edit the one the user already has.

    The form starts from, in this order: a text kept across a login (summaries.stash),
    the author's draft when it is newer than the published text (summaries.draft_models),
    or the published text. Preview saves the draft; publishing deletes it."""
    paper = get_paper_or_404(request, key)
    if not request.user.is_authenticated:
        return stash.login_keeping_text(
            request, f"summary:{paper.pk}", reverse("summaries:write", args=[paper.bibtex_key])
        )
    existing = paper.summaries.filter(author=request.user).first()
    preview_html = None
    draft = None

    if request.method == "POST":
        post_key, earlier = idempotency.look_up(request)
        if earlier is not None:
            # A double submit or a retry: the first post saved the text. Its answer (and
            # the message in it) may never have arrived, so say it again.
            messages.success(request, "Summary saved.")
            return redirect(earlier.result_url)
        previewing = "preview" in request.POST
        form = SummaryForm(request.POST, instance=existing, publishing=not previewing)
        if previewing:
            # Kept whatever the form says of it: a text too short to publish is still
            # worth coming back to.
            body = request.POST.get("body", "")
            if len(body) <= settings.SUMMARY_MAX_LENGTH:
                Draft.objects.save_text(request.user, paper, body)
        if form.is_valid():
            data = form.cleaned_data
            if previewing:
                preview_html = render_text(data["body"], flavor="summary")
            else:
                try:
                    summary, created = services.save_summary(
                        paper=paper,
                        author=request.user,
                        body=data["body"],
                        is_private=data["is_private"],
                        is_anonymous=data["is_anonymous"],
                        key=post_key,
                        topics=data["topics"],
                    )
                except idempotency.Replayed as replayed:
                    messages.success(request, "Summary saved.")
                    return redirect(replayed.post.result_url)
                Draft.objects.discard(request.user, paper)
                messages.success(request, "Summary published." if created else "Summary saved.")
                return redirect(services.summary_landing_url(summary))
    else:
        kept = stash.pop(request, f"summary:{paper.pk}")
        if kept and kept.get("unposted"):
            # A text handed back by "Add a figure" (figures.views): still being written,
            # so shown as it is, without the checks of a post.
            initial = {name: kept.get(name) for name in ("body", "is_private", "is_anonymous")}
            form = SummaryForm(instance=existing, initial=initial)
        elif kept:
            form = SummaryForm(kept, instance=existing)
        else:
            draft = Draft.objects.to_resume(request.user, paper, existing)
            initial = {"body": draft.body} if draft else None
            form = SummaryForm(instance=existing, initial=initial)

    return render(
        request,
        "summaries/write.html",
        {
            "paper": paper,
            "form": form,
            "existing": existing,
            "preview_html": preview_html,
            "draft": draft,
            "figure_max_mb": settings.FIGURE_MAX_BYTES // 1_000_000,
        },
    )


@verified_email_to_post(json=lambda request: True)
@ratelimit("draft")
@require_POST
def save_draft(request, paper_pk):
    """Keep the text of the write form as the author's draft (static/js/drafts.js posts
    it every few seconds while it changes). 204 when kept; nothing is rendered."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    paper = get_object_or_404(Paper, pk=paper_pk)
    body = request.POST.get("body", "")
    if len(body) > settings.SUMMARY_MAX_LENGTH:
        return HttpResponse(status=413)
    Draft.objects.save_text(request.user, paper, body)
    return HttpResponse(status=204)


def edit(request, pk):
    """A summary's own edit link: its author's form for that paper, and 403 for others."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    summary = _get_own_summary(request, pk)
    return redirect("summaries:write", summary.paper.bibtex_key)


def delete(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    summary = _get_own_summary(request, pk)
    if request.method == "POST":
        paper = summary.paper
        summary.delete()
        messages.success(request, "Your summary was deleted.")
        return redirect(paper)
    return render(request, "summaries/delete.html", {"summary": summary, "paper": summary.paper})


# The texts a preview renders, each with the limit its form has: a flavor outside these
# is refused, so the renderer is never asked for one it does not know.
PREVIEW_LIMITS = {
    "summary": settings.SUMMARY_MAX_LENGTH,
    "comment": settings.COMMENT_MAX_LENGTH,
}


@ratelimit("preview")
@require_POST
def preview(request):
    """The HTML a text will publish as, for the live preview beside the form; a text the
    site would refuse gets the refusal's message instead, as publishing it would.

    `flavor` says which form asks: "summary" (the default) or "comment", for comments,
    replies and their edits, with the comment form's limit."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    flavor = request.POST.get("flavor", "summary")
    if flavor not in PREVIEW_LIMITS:
        return HttpResponseBadRequest("Unknown flavor.")
    body = request.POST.get("body", "")
    limit = PREVIEW_LIMITS[flavor]
    if len(body) > limit:
        return _preview_refusal(
            f"This text is too long to preview ({len(body):,} characters; the limit is {limit:,})."
        )
    # Rendered once: a refusal is the limit's own message, as the form would give it.
    try:
        return HttpResponse(render_cited(body, flavor=flavor))
    except Refused as error:
        return _preview_refusal(str(error))


def _preview_refusal(message):
    return HttpResponse(format_html('<p class="text-danger preview-refused">{}</p>', message))
