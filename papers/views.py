from functools import wraps
from urllib.parse import quote

from django.http import HttpResponsePermanentRedirect
from django.shortcuts import redirect, render

from summaries.forms import CommentForm
from summaries.models import Summary

from .keys import is_valid_key
from .models import Paper

# Enough to show the paper's place in the conversation without making the page a list.
CITING_LIMIT = 20


class PaperNotFound(Exception):
    """Raised with the key that was asked for; answered with a page that names it."""

    def __init__(self, key, malformed=False):
        super().__init__(key)
        self.key = key
        self.malformed = malformed


def get_paper_or_404(request, key):
    if not is_valid_key(key):
        raise PaperNotFound(key, malformed=True)
    paper = Paper.objects.by_key(key).first()
    if paper is None:
        raise PaperNotFound(key)
    return paper


def answers_unknown_papers(view):
    """Answer an unknown or malformed key with a 404 page that names the key."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PaperNotFound as exc:
            context = {"key": exc.key, "malformed": exc.malformed}
            return render(request, "papers/not_found.html", context, status=404)

    return wrapper


@answers_unknown_papers
def detail(request, key):
    paper = get_paper_or_404(request, key)
    if paper.bibtex_key != key:
        # Keys match whatever their case; the page lives at one address.
        return HttpResponsePermanentRedirect(paper.get_absolute_url())
    summaries = list(
        Summary.objects.filter(paper=paper)
        .visible_to(request.user)
        .for_listing()
        .with_comments()
        .best_first()
    )
    own = next((s for s in summaries if s.author_id == request.user.id), None)
    citing = (
        Summary.objects.public()
        .citing(paper)
        .exclude(paper=paper)
        .select_related("paper", "author")
        .newest_first()[:CITING_LIMIT]
    )
    return render(
        request,
        "papers/detail.html",
        {
            "paper": paper,
            "summaries": summaries,
            "own_summary": own,
            "public_count": sum(1 for s in summaries if not s.is_private),
            "comment_form": CommentForm(),
            "citing_summaries": citing,
        },
    )


def legacy_redirect(request):
    """`/paper?bibtexKey=KEY&a=username` from the old site, moved here for good."""
    key = request.GET.get("bibtexKey", "").strip()
    if not key:
        return redirect("summaries:feed", permanent=True)
    url = "/paper/" + quote(key, safe="/:+") + "/"
    if username := request.GET.get("a", "").strip():
        url += "#" + quote(username, safe="")
    return HttpResponsePermanentRedirect(url)
