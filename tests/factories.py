"""Small builders for test data: real rows through the real models."""

from itertools import count

from allauth.account.models import EmailAddress
from django.conf import settings

from accounts.models import User
from papers.models import Paper
from summaries.models import Comment, Summary

PASSWORD = "correct-horse-battery"
_serial = count(1)


def make_user(username=None, verified=True, **fields):
    """A user with a password and, as allauth keeps it, their e-mail address: verified
    (they may post) unless `verified=False`."""
    username = username or f"user{next(_serial)}"
    fields.setdefault("email", f"{username}@example.org")
    user = User.objects.create_user(username=username, password=PASSWORD, **fields)
    if user.email:
        EmailAddress.objects.create(
            user=user, email=user.email.lower(), primary=True, verified=verified
        )
    return user


def make_paper(key=None, **fields):
    n = next(_serial)
    fields.setdefault("title", f"A paper about things, part {n}")
    fields.setdefault("authors", "Ada Lovelace, Alan Turing")
    fields.setdefault("venue", "NeurIPS")
    fields.setdefault("year", 2020)
    return Paper.objects.create(bibtex_key=key or f"conf/test/Paper{n}", **fields)


# Over the floor (settings.SUMMARY_MIN_LENGTH), as every summary the form publishes is.
SUMMARY_BODY = (
    "A summary with $x_1 + y_1$ in it. It says what the paper does, how it was tested "
    "and why the result matters."
)
_FILLER = " It goes on to say what the paper leaves open, and what might come next."


def summary_text(text):
    """`text`, lengthened with filler sentences to what the summary form publishes
    (settings.SUMMARY_MIN_LENGTH): for tests that post a summary of a few words."""
    while len(text.strip()) < settings.SUMMARY_MIN_LENGTH:
        text += _FILLER
    return text


def make_summary(paper=None, author=None, body=SUMMARY_BODY, **fields):
    return Summary.objects.create(
        paper=paper or make_paper(), author=author or make_user(), body=body, **fields
    )


def make_comment(summary, author=None, body="A comment.", **fields):
    return Comment.objects.create(
        summary=summary, author=author or make_user(), body=body, **fields
    )
