"""A comment's address in context (summaries.models.comment_url), made from the
summary's path reversed once and kept: for any id, script prefix and URLconf it must be
what reverse() makes."""

import pytest
from django.test import override_settings
from django.urls import (
    NoReverseMatch,
    clear_script_prefix,
    include,
    path,
    reverse,
    set_script_prefix,
    set_urlconf,
)

from summaries.models import _STAND_IN_ID, comment_url

# The summaries under another path, for the URLconf tests below.
urlpatterns = [path("elsewhere/", include("summaries.urls"))]


def reversed_url(summary_id, comment_id):
    path = reverse("summaries:detail", args=[summary_id])
    return f"{path}?comment={comment_id}#comment-{comment_id}"


@pytest.mark.parametrize("summary_id", [0, 1, 9, 10, 123456, _STAND_IN_ID, 10**30])
def test_the_address_is_what_reverse_makes(summary_id):
    assert comment_url(summary_id, 42) == reversed_url(summary_id, 42)
    assert comment_url(summary_id, 42) == f"/summaries/{summary_id}/?comment=42#comment-42"


def test_other_ids_are_what_reverse_makes_of_them():
    assert comment_url("12", 3) == "/summaries/12/?comment=3#comment-3"
    for wrong in (-1, "twelve", True):
        with pytest.raises(NoReverseMatch):
            comment_url(wrong, 3)


def test_the_script_prefix_is_followed():
    assert comment_url(5, 6) == "/summaries/5/?comment=6#comment-6"
    set_script_prefix("/mirror/")
    try:
        assert comment_url(5, 6) == "/mirror/summaries/5/?comment=6#comment-6"
    finally:
        clear_script_prefix()
    assert comment_url(5, 6) == "/summaries/5/?comment=6#comment-6"


def test_a_new_urlconf_is_followed():
    assert comment_url(5, 6) == "/summaries/5/?comment=6#comment-6"
    with override_settings(ROOT_URLCONF=__name__):
        assert comment_url(5, 6) == "/elsewhere/summaries/5/?comment=6#comment-6"
    assert comment_url(5, 6) == "/summaries/5/?comment=6#comment-6"


def test_a_request_s_own_urlconf_is_followed():
    assert comment_url(5, 6) == "/summaries/5/?comment=6#comment-6"
    set_urlconf(__name__)
    try:
        assert comment_url(5, 6) == "/elsewhere/summaries/5/?comment=6#comment-6"
    finally:
        set_urlconf(None)
    assert comment_url(5, 6) == "/summaries/5/?comment=6#comment-6"
