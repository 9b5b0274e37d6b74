"""A small world for the API's tests: public, private, hidden and anonymous summaries,
and comments of every kind, each text carrying a word that must never leak."""

import pytest

from moderation import services as moderation
from summaries import services
from tests.factories import make_comment, make_paper, make_summary, make_user

# Words that appear only in text nobody but its author may read.
PRIVATE_WORD = "zanzibarite"
HIDDEN_WORD = "quokkalith"
HIDDEN_COMMENT_WORD = "marmotine"
DELETED_COMMENT_WORD = "wombatish"
SHY_NAME = "hannahshy"
SHY_DISPLAY = "Hannah Withheld"


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    open_paper = make_paper(
        "conf/nips/VaswaniSPUJGKP17",
        title="Attention Is All You Need",
        venue="NeurIPS",
        year=2017,
        arxiv_id="1706.03762",
        doi="10.5555/3295222.3295349",
    )
    secret_paper = make_paper(
        "conf/icml/Secret20", title="A paper only summarised in private", arxiv_id="2001.00001"
    )
    hidden_paper = make_paper("conf/icml/Hidden20", title="A paper summarised, then hidden")
    keeper, shy, reader = make_user("keeper"), make_user(SHY_NAME, display_name=SHY_DISPLAY), None
    reader = make_user("reader")
    moderator = make_user("moderator", is_staff=True)
    public = make_summary(open_paper, keeper, body="A public summary about attention heads.")
    anonymous = make_summary(
        open_paper, shy, body="An anonymous summary about attention, with $x^2$.", is_anonymous=True
    )
    private = make_summary(
        secret_paper, keeper, body=f"Private notes on {PRIVATE_WORD}.", is_private=True
    )
    hidden = make_summary(hidden_paper, reader, body=f"Hidden notes on {HIDDEN_WORD}.")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.hide(hidden, by=moderator)
        first, _ = services.add_comment(summary=anonymous, author=reader, body="Why $x^2$?")
        # The anonymous summary's author answers: they must not be named.
        services.add_comment(summary=anonymous, author=shy, body="Because.", parent=first)
        gone, _ = services.add_comment(
            summary=public, author=reader, body=f"Soon gone: {DELETED_COMMENT_WORD}."
        )
        services.delete_comment(gone)
        flagged = make_comment(public, author=reader, body=f"Rude: {HIDDEN_COMMENT_WORD}.")
        moderation.hide(flagged, by=moderator)
        services.add_comment(summary=private, author=keeper, body=f"More {PRIVATE_WORD}.")
    make_comment(public, author=reader, body="A plain comment on attention.")
    return {
        "open_paper": open_paper,
        "secret_paper": secret_paper,
        "hidden_paper": hidden_paper,
        "keeper": keeper,
        "shy": shy,
        "reader": reader,
        "public": public,
        "anonymous": anonymous,
        "private": private,
        "hidden": hidden,
    }
