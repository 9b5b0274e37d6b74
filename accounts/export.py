"""A user's own data as a zip: their summaries as Markdown, the papers' BibTeX, their
figures' files, and everything (summaries, drafts, comments and figures) as JSON.

Everything here is the user's own: their summaries (private, anonymous and hidden ones
included), their drafts and their comments. Of other people's summaries nothing is included but
the paper a comment was about, and, where the user may still read it, the address of
the summary: never its text, author or privacy.
"""

import io
import json
import re
import shutil
import zipfile

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from figures.models import Figure
from summaries.models import Comment, Draft, Summary


def archive_name(user, today=None):
    today = today or timezone.localdate()
    username = re.sub(r"[^A-Za-z0-9_.-]+", "-", user.username)
    return f"shortscience-{username}-{today.isoformat()}.zip"


def build_archive(user):
    """The zip's bytes (see write_archive)."""
    buffer = io.BytesIO()
    write_archive(user, buffer)
    return buffer.getvalue()


def write_archive(user, out):
    """Write the zip to the file object `out`. Five queries whatever the amount:
    summaries with their papers, their earlier versions, drafts with their papers,
    comments and figures. The figures' files are copied from the storage one at a time,
    stored as they are (images do not compress again)."""
    summaries, files, data = _collect(user)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for summary in summaries:
            archive.writestr(files[summary.pk], _summary_markdown(summary))
        archive.writestr("papers.bib", _bibliography(summaries))
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        for figure in data["figures"]:
            # The same path in the zip as in the storage: figures/<name>.
            try:
                source = default_storage.open(figure["file"], "rb")
            except FileNotFoundError:
                continue  # listed in data.json all the same, with its address
            entry = zipfile.ZipInfo(figure["file"], date_time=_zip_time(figure["created_at"]))
            entry.compress_type = zipfile.ZIP_STORED
            with source, archive.open(entry, "w") as target:
                shutil.copyfileobj(source, target)


def export_data(user):
    """What the zip's data.json holds, as a dict: also the API's /api/me/export."""
    return _collect(user)[2]


def _collect(user):
    """(summaries, their file names by id, data.json's content): five queries."""
    summaries = list(
        Summary.objects.filter(author=user)
        .select_related("paper")
        .prefetch_related("revisions")
        .order_by("created_at", "pk")
    )
    drafts = list(
        Draft.objects.filter(author=user).select_related("paper").order_by("saved_at", "pk")
    )
    comments = list(
        Comment.objects.filter(author=user, deleted_at__isnull=True)
        .select_related("summary__paper")
        .order_by("created_at", "pk")
    )
    figures = Figure.objects.filter(owner=user).order_by("created_at", "pk")
    files = {summary.pk: _summary_filename(summary) for summary in summaries}
    data = {
        "exported_at": _when(timezone.now()),
        "site": settings.SITE_URL,
        "user": {
            "username": user.username,
            "display_name": user.display_name,
            "email": user.email,
            "bio": user.bio,
            "orcid": user.orcid,
            "date_joined": _when(user.date_joined),
        },
        "summaries": [_summary_data(summary, files[summary.pk]) for summary in summaries],
        "drafts": [_draft_data(draft) for draft in drafts],
        "comments": [_comment_data(comment, user) for comment in comments],
        "figures": [_figure_data(figure) for figure in figures],
    }
    return summaries, files, data


def _when(moment):
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _site_url(obj):
    return settings.SITE_URL + obj.get_absolute_url()


def _summary_filename(summary):
    # Keys have slashes (conf/nips/RenHGS15); the id keeps two keys that read alike
    # once cleaned from landing on the same name.
    key = re.sub(r"[^A-Za-z0-9_.-]+", "-", summary.paper.bibtex_key).strip("-.")[:120]
    return f"summaries/{summary.pk}-{key or 'paper'}.md"


def _summary_markdown(summary):
    paper = summary.paper
    fields = {
        "title": paper.title,
        "paper": paper.bibtex_key,
        "authors": paper.authors,
        "venue": paper.venue,
        "year": paper.year,
        "url": _site_url(summary),
        "created": _when(summary.created_at),
        "edited": _when(summary.edited_at),
        "private": summary.is_private,
        "anonymous": summary.is_anonymous,
        "hidden": summary.is_hidden,
        "score": summary.score,
    }
    # Each value written as JSON, which YAML reads as the same string, number, boolean
    # or null: no quoting rules of our own for titles full of colons and quotes.
    front_matter = "\n".join(
        f"{name}: {json.dumps(value, ensure_ascii=False)}" for name, value in fields.items()
    )
    body = summary.body if summary.body.endswith("\n") else summary.body + "\n"
    return f"---\n{front_matter}\n---\n\n{body}"


def _bibliography(summaries):
    papers = {summary.paper.bibtex_key: summary.paper for summary in summaries}
    return "\n".join(papers[key].bibtex_entry for key in sorted(papers, key=str.lower))


def _summary_data(summary, filename):
    return {
        "id": summary.pk,
        "paper": summary.paper.bibtex_key,
        "paper_title": summary.paper.title,
        "url": _site_url(summary),
        "file": filename,
        "created_at": _when(summary.created_at),
        "edited_at": _when(summary.edited_at),
        "private": summary.is_private,
        "anonymous": summary.is_anonymous,
        "hidden": summary.is_hidden,
        "score": summary.score,
        "body": summary.body,
        "earlier_versions": [
            {
                "number": revision.number,
                "written_at": _when(revision.written_at),
                "body": revision.body,
            }
            for revision in summary.revisions.all()
        ],
    }


def _draft_data(draft):
    return {
        "paper": draft.paper.bibtex_key,
        "paper_title": draft.paper.title,
        "saved_at": _when(draft.saved_at),
        "body": draft.body,
    }


def _comment_data(comment, user):
    summary = comment.summary
    # Another author's summary that is now private or hidden keeps its address to itself.
    readable = summary.author_id == user.pk or not (summary.is_private or summary.is_hidden)
    return {
        "id": comment.pk,
        "paper": summary.paper.bibtex_key,
        "summary_id": summary.pk if readable else None,
        "url": _site_url(comment) if readable else None,
        "parent_id": comment.parent_id,
        "created_at": _when(comment.created_at),
        "edited_at": _when(comment.edited_at),
        "hidden": comment.is_hidden,
        "body": comment.body,
    }


def _zip_time(iso):
    # "2026-01-02T03:04:05.678Z" as the zip's (year, month, day, hour, minute, second).
    return tuple(int(part) for part in re.split(r"[-T:.Z]", iso)[:6])


def _figure_data(figure):
    return {
        "name": figure.name,
        "file": figure.path,
        "url": settings.SITE_URL + figure.url,
        "bytes": figure.bytes,
        "width": figure.width,
        "height": figure.height,
        "created_at": _when(figure.created_at),
    }
