import pytest
from django.core.management import call_command

from accounts.models import User
from markup.render import RENDERER_VERSION
from papers.models import Paper
from summaries.models import Comment, Summary
from tests.factories import make_comment, make_paper, make_summary, make_user

pytestmark = pytest.mark.django_db


def make_stale(model, pk):
    model.objects.filter(pk=pk).update(renderer_version=0, **{html_field(model): "<p>stale</p>"})


def html_field(model):
    return "abstract_html" if model is Paper else "body_html"


def test_rerenders_stale_rows_of_every_kind(capsys):
    paper = make_paper(abstract="An *abstract*.")
    summary = make_summary(paper=paper, body="A **summary** with $x$.")
    comment = make_comment(summary, body="A _comment_.")
    for model, row in ((Paper, paper), (Summary, summary), (Comment, comment)):
        make_stale(model, row.pk)
    updated_at = Summary.objects.get().updated_at

    call_command("rerender")

    for model, row in ((Paper, paper), (Summary, summary), (Comment, comment)):
        fresh = model.objects.get(pk=row.pk)
        assert fresh.renderer_version == RENDERER_VERSION
        assert getattr(fresh, html_field(model)) != "<p>stale</p>"
    assert "katex" in Summary.objects.get().body_html
    assert Summary.objects.get().updated_at == updated_at  # re-rendering is not an edit
    assert "Re-rendered 3 texts" in capsys.readouterr().out


def test_rerenders_stale_bios(capsys):
    user = make_user(bio="Working on $\\beta_2$.")
    make_user(bio="")
    User.objects.filter(pk=user.pk).update(bio_renderer_version=0, bio_html="<p>stale</p>")

    call_command("rerender")

    fresh = User.objects.get(pk=user.pk)
    assert fresh.bio_renderer_version == RENDERER_VERSION
    assert "katex" in fresh.bio_html
    assert "Re-rendered 1 texts" in capsys.readouterr().out


def test_current_rows_are_left_alone_unless_all(capsys):
    summary = make_summary()
    Summary.objects.filter(pk=summary.pk).update(body_html="<p>current</p>")
    call_command("rerender")
    assert Summary.objects.get().body_html == "<p>current</p>"
    call_command("rerender", "--all")
    assert Summary.objects.get().body_html != "<p>current</p>"


def test_resumes_after_an_interruption(monkeypatch):
    summaries = [make_summary() for _ in range(5)]
    for summary in summaries:
        make_stale(Summary, summary.pk)

    calls = {"n": 0}
    original = Summary.rendered_fields

    def flaky(self, *args):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return original(self, *args)

    monkeypatch.setattr(Summary, "rendered_fields", flaky)
    with pytest.raises(SystemExit):
        call_command("rerender", "--batch-size", "2")
    # The first batch of two was committed; the interrupted batch was rolled back.
    assert Summary.objects.filter(renderer_version=RENDERER_VERSION).count() == 2

    monkeypatch.setattr(Summary, "rendered_fields", original)
    call_command("rerender", "--batch-size", "2")
    assert Summary.objects.filter(renderer_version=RENDERER_VERSION).count() == 5
