"""Paper titles with math: rendered inline in pages, plain text in <title>, meta tags,
feeds and mail."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from markup.render import render_title
from papers.importing import Importer, read_file
from papers.models import Paper
from summaries.models import Summary
from tests.factories import make_paper, make_summary, make_user

pytestmark = pytest.mark.django_db

TITLE = r"Rényi $\alpha$-divergence Variational Inference"
PLAIN = "Rényi α -divergence Variational Inference"


def test_only_inline_math_is_rendered_and_the_rest_is_text():
    html = render_title(r"$$x^2$$ and *stars* <script>alert(1)</script> \cite{k} & \$5")
    assert html.count('class="katex"') == 1
    assert 'class="katex-display"' not in html  # display math set inline
    assert "*stars*" in html and "<em>" not in html  # no Markdown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert r"\cite{k}" in html and "&amp;" in html and "$5" in html


def test_titles_without_math_are_not_rendered():
    assert render_title("Deep Residual Learning") == ""
    assert render_title("Costs $5 and $10") == ""  # no closing math delimiter pair
    paper = make_paper(title="A <b>bold</b> title")
    assert paper.title_html == ""
    assert str(paper.shown_title) == "A &lt;b&gt;bold&lt;/b&gt; title"
    assert paper.plain_title == "A <b>bold</b> title"


def test_title_is_rendered_when_saved_and_when_changed():
    paper = make_paper(title=TITLE)
    assert 'class="katex"' in paper.title_html and "α" in paper.title_html
    assert paper.plain_title == PLAIN
    paper.title = "Plain again"
    paper.save(update_fields=["title"])
    paper.refresh_from_db()
    assert paper.title_html == ""


def test_a_formula_katex_refuses_keeps_its_source_as_plain_text():
    paper = make_paper(title=r"Broken $\frac{1}{$ formula")
    assert "math-error" in paper.title_html
    assert paper.plain_title == paper.title


def test_pages_render_the_math_and_say_it_plainly_in_title_and_meta(client):
    paper = make_paper(title=TITLE, venue="ICML", year=2019)
    summary = make_summary(paper=paper, author=make_user("ada"))
    for path in [paper.get_absolute_url(), summary.get_absolute_url(), "/", "/user/ada/"]:
        html = client.get(path).content.decode()
        heading = re.search(r'<div class="paper-heading">.*?</div>', html, re.S).group(0)
        assert 'class="katex"' in heading, path
        assert "$\\alpha$" not in heading, path
    html = client.get(paper.get_absolute_url()).content.decode()
    assert f"<title>{PLAIN} · " in html
    assert f'<meta property="og:title" content="{PLAIN}">' in html
    assert f"<title>ada on “{PLAIN}”" in client.get(summary.get_absolute_url()).content.decode()


def test_search_results_show_the_rendered_title(client):
    make_paper(title=TITLE)
    html = client.get("/search", {"q": "variational"}).content.decode()
    result = re.search(r'<li class="card mb-3 search-result.*?</li>', html, re.S).group(0)
    assert 'class="katex"' in result


def test_feeds_and_mail_carry_the_plain_title(client, django_capture_on_commit_callbacks):
    paper = make_paper(title=TITLE)
    summary = make_summary(paper=paper, author=make_user("ada"), body="Plain words. " * 10)
    for feed in ["/feeds/rss/", f"/feeds/atom/paper/{paper.bibtex_key}/"]:
        body = client.get(feed).content.decode()
        assert PLAIN in body, feed
        assert "katex" not in body.split("<entry>")[0].split("<item>")[0], feed
    assert f"<title>Summary of {PLAIN} by ada</title>" in client.get("/feeds/rss/").content.decode()
    client.force_login(make_user("grace"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("summaries:comment", args=[summary.pk]), {"body": "A question."})
    (message,) = mail.outbox
    assert message.subject == f"New comment on your summary of “{PLAIN}”"
    assert f"summary of “{PLAIN}”" in message.body


def test_bibtex_keeps_the_latex_source():
    # BibTeX is read by LaTeX, which sets $\alpha$ itself.
    paper = make_paper(title=TITLE)
    assert r"{Rényi $\alpha$-divergence Variational Inference}," in paper.bibtex_entry


def test_cards_change_when_the_title_does(client):
    paper = make_paper(title="Alpha divergence")
    make_summary(paper=paper, body="Plain words, no formula. " * 6)
    assert "katex" not in client.get("/").content.decode().split("feed-item", 1)[1]
    paper.title = TITLE
    paper.save()
    assert 'class="katex"' in client.get("/").content.decode().split("feed-item", 1)[1]


def test_import_renders_math_titles(tmp_path):
    path = tmp_path / "math.bib"
    path.write_text(
        "@article{M1, title={"
        + TITLE
        + "}, year={2020}}\n@article{M2, title={Plain}, year={2020}}\n"
    )
    Importer().run(read_file(path))
    assert 'class="katex"' in Paper.objects.get(bibtex_key="M1").title_html
    assert Paper.objects.get(bibtex_key="M2").title_html == ""
    # A title changed by a later import is rendered again.
    path.write_text("@article{M2, title={Now $x^2$}, year={2020}}\n")
    Importer().run(read_file(path))
    assert 'class="katex"' in Paper.objects.get(bibtex_key="M2").title_html


def test_rerender_fills_titles():
    paper = make_paper(title=TITLE)
    Paper.objects.filter(pk=paper.pk).update(title_html="", renderer_version=0)
    call_command("rerender", stdout=StringIO(), stderr=StringIO())
    paper.refresh_from_db()
    assert 'class="katex"' in paper.title_html


def test_title_rendering_costs_no_queries():
    with CaptureQueriesContext(connection) as captured:
        render_title(TITLE)
    assert not captured.captured_queries
    assert Summary.objects.count() == 0
