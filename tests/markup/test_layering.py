"""markup is a leaf: it imports no app of the site, and takes the papers app's rules (what
a key may be, where a key's page is) from the configuration papers registers.

"The site's own packages" are the checkout's top-level folders of Python code, found
rather than listed, so that a new app is covered the day it is added. shortscience is
one of them, not a base layer markup may build on: it is the site itself (settings, the
URLconf, which imports every app's views), so importing from it would pull in everything.
"""

import ast
import json
import os
from pathlib import Path

from django.apps import apps

from markup.paper_links import PaperLinks, configure
from markup.render import cited_keys, render

from .helpers import ROOT, run_python

MARKUP = ROOT / "markup"
SKIPPED = {"markup", "node_modules", "static", "templates", "docs", "deploy"}


def site_packages():
    return {
        folder.name
        for folder in ROOT.iterdir()
        if folder.is_dir()
        and not folder.name.startswith(".")
        and folder.name not in SKIPPED
        and any(folder.glob("*.py"))
    }


def imported_modules(path: Path):
    """Every absolute module name `path` imports, at the top or inside a function, by
    statement or by `importlib.import_module`/`__import__` of a literal name."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield first.value


def test_the_site_packages_are_found():
    # Without this, an empty set would let every import through.
    expected = {"papers", "summaries", "accounts", "search", "topics", "following"}
    expected |= {"moderation", "figures", "api", "shortscience"}
    assert expected <= site_packages()


def test_no_markup_module_imports_an_app():
    forbidden = site_packages()
    modules = sorted(MARKUP.rglob("*.py"))
    assert len(modules) > 10
    found = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in modules
        for name in imported_modules(path)
        if name.split(".")[0] in forbidden
    }
    assert not found


def test_the_check_sees_an_import_of_an_app(tmp_path):
    # The check itself, on a module written the ways the real ones could be.
    module = tmp_path / "module.py"
    module.write_text(
        "import os\n"
        "from .math import protect\n"
        "def f():\n"
        "    from papers.keys import is_valid_key\n"
        "    return importlib.import_module('summaries.models')\n"
    )
    assert set(imported_modules(module)) == {"os", "papers.keys", "summaries.models"}


def test_importing_all_of_markup_loads_no_app():
    # Indirect imports too: a library of markup's that imported an app would show here.
    code = (
        "import importlib, json, pkgutil, sys\n"
        "import markup\n"
        "for info in pkgutil.iter_modules(markup.__path__):\n"
        "    importlib.import_module('markup.' + info.name)\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = run_python(code, env=env)
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    assert "markup" in loaded
    assert not loaded & site_packages()


def test_markup_follows_the_rules_it_is_given():
    # Another site's rules: keys are letters only, and papers live under /works/.
    configure(PaperLinks(is_valid_key=str.isalpha, path=lambda key: f"/works/{key}/"))
    try:
        html = render(
            "\\cite{abc} and \\cite{abc1}. "
            "[Old link](https://shortscience.org/paper?bibtexKey=xyz&a=ada)"
        )
        keys = cited_keys("\\cite{abc,conf/nips/X15}")
    finally:
        # Back to the site's own rules, registered as at start-up.
        apps.get_app_config("papers").ready()
    assert 'href="/works/abc/"' in html
    assert '<span class="citation citation-invalid">[abc1]</span>' in html
    assert 'href="/works/xyz/#ada"' in html
    assert keys == ["abc"]
    assert 'href="/paper/conf/nips/X15/"' in render("\\cite{conf/nips/X15}")


def test_without_the_rules_a_citation_is_an_error_not_a_guess():
    result = run_python(
        "from markup.render import render\n"
        "assert 'katex' in render('No citation: $x$, [a link](https://example.org/).')\n"
        "try:\n"
        "    render('\\\\cite{abc}')\n"
        "except RuntimeError as error:\n"
        "    print(error)\n"
    )
    assert result.returncode == 0, result.stderr
    assert "markup has no paper links configured" in result.stdout
