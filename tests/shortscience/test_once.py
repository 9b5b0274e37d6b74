"""`{% once %}` (shortscience/templatetags/once.py): what prints the same on every request
is rendered once per process, and nothing that could differ is let in."""

import pytest
from django.template import Context, Engine, TemplateSyntaxError, engines
from django.test import Client
from django.urls import clear_script_prefix, reverse, set_script_prefix

from shortscience.templatetags.once import OnceNode


def template_of(source):
    return engines["django"].from_string("{% load static once %}" + source)


def once_node(template):
    (node,) = [n for n in template.template.nodelist if isinstance(n, OnceNode)]
    return node


def test_it_prints_what_it_holds_and_keeps_it():
    template = template_of(
        "{% once SITE_NAME %}<a href=\"{% url 'summaries:home' %}\">{{ SITE_NAME }}</a>"
        "<link href=\"{% static 'css/site.css' %}\">{% endonce %}"
    )
    first = template.render({"SITE_NAME": "Short & Science"})
    assert f'<a href="{reverse("summaries:home")}">Short &amp; Science</a>' in first
    assert "css/site" in first
    assert template.render({"SITE_NAME": "Short & Science"}) == first
    assert len(once_node(template).kept) == 1


def test_a_named_variable_is_part_of_what_it_is_kept_under():
    template = template_of("{% once SITE_NAME %}{{ SITE_NAME }}{% endonce %}")
    assert template.render({"SITE_NAME": "One"}) == "One"
    assert template.render({"SITE_NAME": "Two"}) == "Two"


def test_the_script_prefix_is_part_of_it_too():
    template = template_of("{% once %}{% url 'summaries:home' %}{% endonce %}")
    assert template.render({}) == "/"
    set_script_prefix("/mounted/")
    try:
        assert template.render({}) == "/mounted/"
    finally:
        clear_script_prefix()
    assert template.render({}) == "/"


@pytest.mark.parametrize(
    "inside",
    [
        "{{ user }}",
        "{{ SITE_NAME.upper }}",
        "{{ SITE_NAME|default:other }}",
        "{% url 'papers:detail' key %}",
        "{% url view_name %}",
        "{% url 'summaries:home' as home %}",
        "{% static path %}",
        "{% static 'css/site.css' as css %}",
        "{% if flag %}yes{% endif %}",
        "{% csrf_token %}",
        "{% include 'includes/venue.html' %}",
    ],
)
def test_anything_that_could_differ_is_refused_when_compiled(inside):
    with pytest.raises(TemplateSyntaxError, match="once"):
        template_of("{% once SITE_NAME %}" + inside + "{% endonce %}")


def test_a_change_of_settings_forgets_what_it_kept(settings):
    template = template_of("{% once %}{% url 'summaries:home' %}{% endonce %}")
    template.render({})
    assert once_node(template).kept
    settings.SITE_NAME = "Changed"  # any setting_changed signal
    assert not once_node(template).kept


@pytest.mark.django_db
def test_every_page_still_carries_its_links():
    html = Client().get(reverse("summaries:home")).content.decode()
    for name in ("feeds:atom", "feeds:rss", "search:results", "papers:coverage"):
        assert f'"{reverse(name)}"' in html
    assert "css/site" in html and "js/theme" in html


def test_it_works_in_an_engine_of_its_own():
    engine = Engine(libraries={"once": "shortscience.templatetags.once"})
    template = engine.from_string("{% load once %}{% once %}fixed{% endonce %}")
    assert template.render(Context()) == "fixed"


@pytest.mark.django_db
def test_a_readers_header_keeps_their_own_parts(client):
    from tests.factories import make_user

    reader = make_user(username="header-reader")
    client.force_login(reader)
    html = client.get(reverse("summaries:home")).content.decode()
    for name in ("papers:add", "following:inbox", "accounts:settings", "account_logout"):
        assert f'"{reverse(name)}"' in html
    assert f'href="{reverse("accounts:profile", args=[reader.username])}"' in html
    logout = html.split(f'action="{reverse("account_logout")}"')[1].split("</form>")[0]
    assert 'name="csrfmiddlewaretoken"' in logout
    # A visitor after them gets the log-in link back to the page they are on.
    client.logout()
    html = client.get(reverse("search:results") + "?q=x").content.decode()
    assert f'href="{reverse("account_login")}?next=/search%3Fq%3Dx"' in html
