"""User text rendered with its `\\cite{key}` references resolved against the catalogue.

Every summary, comment and abstract is rendered through `render_text`: the markup
module knows nothing of papers, so this is where the keys a text cites are looked up
(one query per text) before rendering.
"""

from django.db.models.functions import Lower

from markup.render import cited_keys, render


def citation_targets(keys):
    """{lowercased key: (canonical key, title)} for the cited keys the site knows."""
    from .models import Paper

    lowered = {key.lower() for key in keys}
    if not lowered:
        return {}
    rows = (
        Paper.objects.annotate(key_lower=Lower("bibtex_key"))
        .filter(key_lower__in=lowered)
        .values_list("key_lower", "bibtex_key", "title")
    )
    return {key_lower: (key, title) for key_lower, key, title in rows}


def render_text(text, *, flavor, keys=None):
    """Render user text; `keys` are its cited keys, when the caller has them already."""
    if keys is None:
        keys = cited_keys(text)
    return render(text, flavor=flavor, citations=citation_targets(keys))
