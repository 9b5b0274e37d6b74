"""Stored HTML rendered from user text, made again only when its source changed.

Papers (title, abstract), summaries and comments (body) and users (bio) keep their text
rendered in columns of their own, by `rendered_fields()`. Rendering is the costly part
of a save (KaTeX, the citations' lookups), and most saves do not touch the text: a
moderator hiding a summary, a merge giving a paper an arXiv id, a log-in. So `save()`
renders only when it has to:

- a source field in `update_fields` (or any, with none given) whose value differs from
  the one loaded or last saved;
- a row rendered by an older renderer (`renderer_version` below RENDERER_VERSION),
  whose every source in the save is rendered again, changed or not;
- a new row.

What it renders goes into `update_fields` when the caller gave them, so a save of
`["body"]` writes the HTML with it and a save of `["score"]` writes the score alone.
What follows a saved row (the search index, cached fragments, counts) is done by the
post_save receivers (search.receivers, summaries.receivers), for every writer alike.

A module of shortscience rather than of markup: markup turns text into HTML and knows
nothing of models or saves, while this is about when a model's save calls it. Each
model still says how it renders (`rendered_fields`), since summaries and abstracts
resolve their citations through papers.rendering, which markup must not import.
"""

from markup.render import RENDERER_VERSION


class RenderedText:
    """Mixin for a model whose `rendered_fields()` makes HTML from `RENDERED_FROM`.

    Put it before models.Model (or the model's base) in the bases, and call
    `render_for_save(update_fields)` from `save()` before the row is written; it
    returns the update_fields to pass on. `render_sources(sources)` may render a part
    of the sources; by default every one is rendered.
    """

    # The fields the HTML is made from, and the one that records the renderer's version.
    RENDERED_FROM = ()
    RENDERER_VERSION_FIELD = "renderer_version"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._note_rendered_sources()
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        # Also how a deferred field loads on first access: the value read is the stored
        # one, so it counts as unchanged.
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        self._note_rendered_sources(fields)

    def _note_rendered_sources(self, fields=None):
        """Remember the sources as stored (those loaded), to tell an edit from a save
        that leaves them be."""
        noted = self.__dict__.setdefault("_rendered_sources", {})
        for name in self.RENDERED_FROM:
            if (fields is None or name in fields) and name in self.__dict__:
                noted[name] = self.__dict__[name]

    def changed_sources(self):
        """The sources set to a value other than the stored one. One never loaded
        (deferred) and never set is unchanged."""
        noted = self.__dict__.get("_rendered_sources", {})
        return {
            name
            for name in self.RENDERED_FROM
            if name in self.__dict__ and (name not in noted or noted[name] != self.__dict__[name])
        }

    def renders_stale(self):
        """Whether the stored HTML is from an older renderer, as far as the row loaded
        says (a version not loaded is taken as current: asking would cost a query)."""
        version = self.__dict__.get(self.RENDERER_VERSION_FIELD)
        return version is not None and version != RENDERER_VERSION

    def sources_to_render(self, update_fields=None):
        saved = set(self.RENDERED_FROM)
        if update_fields is not None:
            saved &= set(update_fields)
        if not saved:
            return set()
        if self._state.adding or self.renders_stale():
            return saved
        return saved & self.changed_sources()

    def render_sources(self, sources):
        """{field: value} of the HTML made from `sources` (a part of RENDERED_FROM)."""
        return self.rendered_fields()

    def render_for_save(self, update_fields=None):
        """Render what this save needs (see the module's docstring) onto the instance;
        returns `update_fields` with the rendered columns added, or None if it was."""
        sources = self.sources_to_render(update_fields)
        # Which were rendered, for what a model derives alongside (a summary's citations).
        self.rendered_now = sources
        if not sources:
            return update_fields
        rendered = self.render_sources(sources)
        for name, value in rendered.items():
            setattr(self, name, value)
        if update_fields is None:
            return None
        return {*update_fields, *rendered}

    def note_saved(self):
        """After the row is written: what it holds now is what later saves compare to."""
        self._note_rendered_sources()
