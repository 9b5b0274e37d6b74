"""One account per name however it is spelled: case, look-alike letters of other
scripts, full-width forms; and the reserved names (accounts.names)."""

import re
import sys
import unicodedata

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import URLResolver, get_resolver, reverse

from accounts import names
from accounts.forms import SignupForm
from accounts.models import SKELETON_MAX_LENGTH, USERNAME_MAX_LENGTH, User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
SIGNUP_URL = reverse("account_signup")
NEW_PASSWORD = "a-much-longer-new-passphrase"

CYRILLIC_A = "\u0430"  # а
UKRAINIAN_I = "\u0456"  # і
FULL_WIDTH_ADA = "\uff21\uff44\uff41"  # Ａｄａ
DJANGO_TAKEN = "A user with that username already exists."


def signup(client, username, n=1):
    return client.post(
        SIGNUP_URL,
        {
            "username": username,
            "email": f"new{n}@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "website": "",
        },
    )


def username_errors(response):
    assert response.status_code == 200, "the sign-up went through"
    return response.context["form"].errors.get("username", [])


# Skeletons -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lookalike",
    [
        "ADA",
        "Ada",
        f"{CYRILLIC_A}da",  # Cyrillic а
        f"{CYRILLIC_A.upper()}DA",  # Cyrillic А
        FULL_WIDTH_ADA,
        "\u0391da",  # Greek capital alpha
        "ada\u3164",  # a Hangul filler, drawn as nothing
    ],
)
def test_lookalikes_of_a_name_share_its_skeleton(lookalike):
    assert names.username_skeleton(lookalike) == names.username_skeleton("ada")


@pytest.mark.parametrize(
    ("lookalike", "name"),
    [
        (f"adm{UKRAINIAN_I}n", "admin"),
        (f"{CYRILLIC_A}dmin", "admin"),
        ("ADMIN", "admin"),
        ("\u0392ob", "bob"),  # Greek capital beta, which folds to β, not b
        ("\u0412ob", "bob"),  # Cyrillic capital ve
        ("b0b", "bob"),
        ("ada1", "adal"),
    ],
)
def test_lookalikes_across_scripts_and_case(lookalike, name):
    assert names.username_skeleton(lookalike) == names.username_skeleton(name)


def test_a_skeleton_fits_its_column_and_is_never_a_set_apart_one():
    """Every character a username may hold: its skeleton is at most seven characters
    (SKELETON_MAX_LENGTH), and never holds the "#" of names.set_apart."""
    allowed = re.compile(r"^[\w.@+-]\Z")
    longest = 0
    for point in range(sys.maxunicode + 1):
        char = chr(point)
        if not allowed.match(char) or unicodedata.normalize("NFKC", char) != char:
            continue
        skeleton = names.username_skeleton(char)
        assert "#" not in skeleton, hex(point)
        longest = max(longest, len(skeleton))
    assert longest * USERNAME_MAX_LENGTH <= SKELETON_MAX_LENGTH


# Sign-up ---------------------------------------------------------------------------


@pytest.mark.parametrize("lookalike", ["ADA", "Ada"])
def test_signup_refuses_the_same_name_in_another_case(client, lookalike):
    make_user("ada")
    assert username_errors(signup(client, lookalike)) == [DJANGO_TAKEN]
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "lookalike",
    [f"{CYRILLIC_A}da", f"{CYRILLIC_A.upper()}da", "\u0391DA"],
)
def test_signup_refuses_a_lookalike_in_another_script(client, lookalike):
    make_user("ada")
    assert username_errors(signup(client, lookalike)) == [names.TAKEN_MESSAGE]
    assert User.objects.count() == 1


def test_signup_refuses_full_width_letters(client):
    # Taken in NFKC form, as Django's forms take names: "Ａｄａ" is "Ada".
    make_user("ada")
    assert username_errors(signup(client, FULL_WIDTH_ADA)) == [DJANGO_TAKEN]
    assert User.objects.count() == 1


def test_signup_refuses_a_lookalike_of_a_name_written_with_one(client):
    make_user(f"adm{UKRAINIAN_I}n_fan")
    assert username_errors(signup(client, "admin_fan")) == [names.TAKEN_MESSAGE]


def test_signup_takes_a_name_nobody_has_and_stores_its_skeleton(client):
    make_user("ada")
    make_user("bob")
    for n, username in enumerate(["adam", "rob", "ad.a"]):
        assert signup(client, username, n).status_code == 302
        client.logout()
    assert User.objects.count() == 5
    assert User.objects.get(username="adam").username_skeleton == "adarn"


def test_the_rule_works_for_any_form():
    make_user("ada")
    with pytest.raises(ValidationError) as refused:
        names.validate_username_available(f"{CYRILLIC_A}da")
    assert refused.value.messages == [names.TAKEN_MESSAGE]
    names.validate_username_available("grace")
    ada = User.objects.get()
    names.validate_username_available("Ada", exclude_pk=ada.pk)  # ada renaming herself


def test_signup_form_alone_refuses_a_lookalike():
    make_user("ada")
    form = SignupForm(
        {
            "username": f"{CYRILLIC_A}da",
            "email": "a@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        }
    )
    assert not form.is_valid()
    assert form.errors["username"] == [names.TAKEN_MESSAGE]


def test_letters_that_draw_nothing_are_refused_and_other_names_stay_valid(client):
    for n, username in enumerate(["ada\u1160", "ada\uffa0"]):
        assert username_errors(signup(client, username, n))
    assert not User.objects.exists()
    validator = names.UsernameValidator()
    with pytest.raises(ValidationError):
        validator(FULL_WIDTH_ADA)  # stored only as "ada", as forms and create_user store it
    for username in ["ada", "Ada.Lovelace", "a_b-c+d@e", "José", "Łukasz", "李小龍", "user42"]:
        validator(username)


# Reserved names --------------------------------------------------------------------


@pytest.mark.parametrize(
    "username",
    [
        "Administrator",
        "ROOT",
        "staff",
        "moderator",
        "Support",
        "help",
        "api",
        "www",
        "mail",
        "security",
        "ShortScience",
        f"{CYRILLIC_A}dmin",
        f"adm{UKRAINIAN_I}n",
        "\uff48\uff45\uff4c\uff50",  # ｈｅｌｐ
        "papers",
        "paper",
        "summaries",
        "search",
        "feeds",
        "venue",
        "user",
        "accounts",
        "static",
        "media",
    ],
)
def test_reserved_names_are_refused(client, username):
    assert username_errors(signup(client, username)) == [names.RESERVED_MESSAGE]
    assert not User.objects.exists()


def _top_level_segments(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^")
        if isinstance(pattern, URLResolver):
            yield from _top_level_segments(pattern.url_patterns, route)
        elif word := re.match(r"[a-z]+", route):
            yield word.group(0)


def test_every_top_level_address_of_the_site_is_reserved():
    segments = set(_top_level_segments(get_resolver().url_patterns))
    segments.add(settings.STATIC_URL.strip("/").split("/")[0])
    assert {"paper", "papers", "summaries", "accounts", "user", "admin"} <= segments
    assert segments <= names.RESERVED_NAMES
    assert all(names.is_reserved(segment) for segment in segments)


# The database ----------------------------------------------------------------------


@pytest.mark.parametrize("lookalike", ["Ada", f"{CYRILLIC_A}da", "ADA"])
def test_the_database_refuses_a_lookalike_created_directly(lookalike):
    make_user("ada")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username=lookalike, email="x@example.org")
    assert User.objects.count() == 1


def test_the_database_refuses_a_lookalike_created_in_bulk():
    make_user("ada")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(username=f"{CYRILLIC_A}da"), User(username="grace")])
    assert User.objects.count() == 1


def test_renaming_updates_the_skeleton():
    ada = make_user("ada")
    ada.username = "countess"
    ada.save(update_fields=["username"])
    assert User.objects.get().username_skeleton == "countess"
    make_user("Ada", email="ada.again@example.org")  # the old name is free again


def test_the_admin_refuses_a_lookalike_name():
    make_user("ada")
    grace = make_user("grace")
    grace.username = f"{CYRILLIC_A}da"
    with pytest.raises(ValidationError) as refused:
        grace.clean()
    assert refused.value.message_dict == {"username": [names.TAKEN_MESSAGE]}


# The migration ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_migration_fills_skeletons_and_sets_later_lookalikes_apart():
    executor = MigrationExecutor(connection)
    before = [("accounts", "0002_profile_and_preferences")]
    after = [("accounts", "0003_username_skeleton")]
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("accounts", "User")
        # Joined in this order; the ids say otherwise for two of them.
        later = old.objects.create(username="Ada", date_joined="2020-03-01T00:00Z")
        oldest = old.objects.create(username="ada", date_joined="2019-01-01T00:00Z")
        cyrillic = old.objects.create(username=f"{CYRILLIC_A}da", date_joined="2021-01-01T00:00Z")
        grace = old.objects.create(username="grace", date_joined="2021-06-01T00:00Z")
        executor.loader.build_graph()
        executor.migrate(after)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    skeletons = dict(User.objects.values_list("pk", "username_skeleton"))
    assert skeletons == {
        oldest.pk: "ada",
        later.pk: f"ada#{later.pk}",
        cyrillic.pk: f"ada#{cyrillic.pk}",
        grace.pk: "grace",
    }
    # A set-apart account lives on: it logs in, is saved, keeps its name.
    ada = User.objects.get(pk=later.pk)
    ada.set_password(PASSWORD)
    ada.save()
    ada.clean()
    assert User.objects.get(pk=later.pk).username_skeleton == f"ada#{later.pk}"
    # And the name stays taken for everyone else.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="ADA")
