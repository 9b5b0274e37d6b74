"""Adding a paper: paste an identifier or BibTeX, check the details, add.

Two steps, each a plain form post. The lookup step asks the source and shows the
details in the second step's form, so nothing waits in the session between them;
the second step (also the by-hand form) creates the paper. At both steps a paper the
site already has, by key, arXiv id or DOI, is answered with that paper's page; one
that looks like a paper here, by title, first author and year (papers.duplicates),
is answered with the details form again, the paper it looks like above it to go to,
and a reason to give for adding this one anyway.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from accounts.posting import verified_email_to_post
from shortscience.ratelimit import ratelimit
from topics.services import attach_categories

from . import duplicates, identifiers, services, sources
from .forms import LOOKUP_MAX_LENGTH, DistinctForm, LookupForm, PaperForm
from .models import Paper


@login_required
@verified_email_to_post(fields=("text",))
def add(request):
    # The "not known here" page links here with the name it was asked for.
    initial = {"text": request.GET.get("text", "")[:LOOKUP_MAX_LENGTH]}
    form = LookupForm(request.POST or None, initial=initial)
    source_error = None
    by_hand_url = reverse("papers:add_details")
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        if existing := _known(identifier):
            return _go_to_existing(request, existing)
        try:
            metadata = sources.fetch(identifier)
        except sources.SourceError as exc:
            source_error = str(exc)
            if identifier.kind != sources.BIBTEX:
                # The form by hand opens with what was typed in its place.
                by_hand_url += "?" + urlencode({"text": form.cleaned_data["text"].strip()})
        else:
            if existing := _existing_for(metadata):
                return _go_to_existing(request, existing)
            key = services.suggest_key(metadata)
            details = PaperForm(initial=PaperForm.initial_from(metadata, key))
            context = {
                "form": details,
                "source": metadata.source,
                "identifier": identifier,
                "metadata": metadata,
            }
            similar = duplicates.similar_paper(
                title=metadata.title, authors=metadata.authors, year=metadata.year
            )
            if similar:
                context |= {
                    "similar": similar,
                    "distinct_form": DistinctForm().ask_for_reason(similar),
                }
            return render(request, "papers/add_details.html", context)
    return render(
        request,
        "papers/add.html",
        {"form": form, "source_error": source_error, "by_hand_url": by_hand_url},
        status=400 if form.errors else 200,
    )


def _too_many_papers(request, retry_after):
    """The details form again, everything in it kept, saying why nothing was added."""
    form = PaperForm(request.POST)
    form.is_valid()
    minutes = max(1, retry_after // 60)
    form.add_error(
        None,
        "You have added many papers in a short time, so this one was not added. Your "
        f"details are kept: please add it again in {minutes} minute{'s' if minutes != 1 else ''}.",
    )
    context = {"form": form, "source": request.POST.get("source", "")}
    if similar := _similar_posted(request):
        context |= {"similar": similar, "distinct_form": DistinctForm(request.POST)}
    response = render(request, "papers/add_details.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@login_required
@verified_email_to_post(fields=("title", "authors", "venue", "abstract", "reason"))
@ratelimit("paper", refuse=_too_many_papers)
def add_details(request):
    """The details form: for entry by hand (`?text=` an arXiv id, DOI or DBLP key the
    lookup could not fetch fills in its fields), or posted from the lookup step.
    Posting it adds a paper, so posts are limited (settings.RATE_LIMITS["paper"])."""
    typed = sources.identify(request.GET.get("text", "")[:LOOKUP_MAX_LENGTH])
    initial = PaperForm.initial_typed(typed) if typed else {}
    form = PaperForm(request.POST or None, initial=initial)
    context = {"form": form, "source": request.POST.get("source", "")}
    if initial and request.method != "POST":
        context["typed"] = typed
    if request.method == "POST" and form.is_valid():
        fields, aliases = form.paper_fields(), form.aliases()
        if existing := _existing_for_fields(fields, aliases):
            return _go_to_existing(request, existing)
        similar = duplicates.similar_paper(
            title=fields["title"], authors=form.author_names(), year=fields["year"]
        )
        distinct = DistinctForm(request.POST)
        if similar is None:
            paper, created = services.add_paper(aliases=aliases, **fields)
        elif reason := distinct.reason_for(similar):
            paper, created = duplicates.add_paper_anyway(
                similar_to=similar, reason=reason, user=request.user, aliases=aliases, **fields
            )
        else:
            distinct = distinct.ask_for_reason(similar)
            context |= {"similar": similar, "distinct_form": distinct}
            return render(
                request, "papers/add_details.html", context, status=400 if distinct.errors else 200
            )
        if not created:
            return _go_to_existing(request, paper)
        attach_categories(paper, form.cleaned_data["categories"])
        messages.success(request, "Paper added. Write the first summary of it?")
        return redirect(paper)
    if similar := _similar_posted(request):
        # The warning stays while the user corrects another field.
        context |= {"similar": similar, "distinct_form": DistinctForm(request.POST)}
    return render(request, "papers/add_details.html", context, status=400 if form.errors else 200)


def _known(identifier):
    """The paper an identifier already names, without asking any service."""
    if identifier.kind == sources.ARXIV:
        corr_key = identifiers.corr_key(identifier.value)
        return Paper.objects.matching(keys=[corr_key], arxiv_id=identifier.value).first()
    if identifier.kind == sources.DOI:
        return Paper.objects.matching(doi=identifier.value).first()
    if identifier.kind == sources.DBLP:
        return Paper.objects.matching(keys=[identifier.value]).first()
    return None


def _existing_for(metadata):
    keys = [metadata.key, *metadata.aliases]
    return Paper.objects.matching(keys=keys, arxiv_id=metadata.arxiv_id, doi=metadata.doi).first()


def _existing_for_fields(fields, aliases):
    keys = [fields["bibtex_key"], *aliases]
    return Paper.objects.matching(keys=keys, arxiv_id=fields["arxiv_id"], doi=fields["doi"]).first()


def _similar_posted(request):
    """The paper a posted warning named, to show it again with the form's errors."""
    pk = request.POST.get("similar_to", "")
    return Paper.objects.filter(pk=pk).first() if pk.isdigit() and len(pk) < 19 else None


def _go_to_existing(request, paper):
    messages.info(request, f"“{paper.title}” is already here.")
    return redirect(paper)
