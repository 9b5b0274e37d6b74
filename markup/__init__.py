"""The one path that user-written text takes to HTML: see markup.render.

markup imports no app of the site (tests/markup/test_layering.py holds it to that), so
that anything may render text without pulling in papers, summaries or accounts, and
markup's rules stay readable on their own. Two things it needs are the papers app's to
know: which strings can be paper keys, and the address of a key's page. Citations link
to that address, and the old site's paper links are pointed at it.

papers hands both over once, when Django starts: ``PapersConfig.ready`` calls
``markup.paper_links.configure`` with a ``PaperLinks``, and markup asks for them where
it uses them (``markup.paper_links.is_valid_key`` and ``paper_path``). A registration
rather than an argument of ``render``: every text, wherever it is rendered (a summary,
a profile, a form's preview, the syntax page), points the old site's paper links at
their new addresses, so every caller would pass the same object, and stored HTML must
not depend on which caller rendered it. Rendering a citation or a paper link before
papers has registered (outside Django) is an error that says so, never a guess.
"""
