"""`{% once NAME … %}…{% endonce %}`: a part of a template that prints the same on every
request, rendered once per process and reused.

base.html prints a dozen `{% static %}` links and a few `{% url %}`s with no arguments on
every page: about 20 µs each for a static name and 35 µs for a URL, half a millisecond of
every page for text that never changes while a process runs. Inside `{% once %}` they are
rendered on the first request and printed as text afterwards.

It is safe by construction: the tag refuses, when the template is compiled, anything
whose output could depend on the request: a tag other than `{% static %}` and `{% url %}`,
either of them with an argument that is not a literal or with `as`, and any variable but
those it names (`{% once SITE_NAME %}`), whose values are part of what the output is
kept under. So are the script prefix and the URL configuration, and any change of
settings (tests) forgets every kept output.
"""

import weakref

from django import template
from django.core.signals import setting_changed
from django.template.base import TextNode, Variable, VariableNode
from django.template.defaulttags import CommentNode, URLNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix, get_urlconf

register = template.Library()

# Each process keeps at most this many outputs of one {% once %}: one per value of the
# variables it names (the site's name) and of the URL configuration, so a handful.
MAX_KEPT = 16

_nodes = weakref.WeakSet()


@register.tag
def once(parser, token):
    names = token.split_contents()[1:]
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    for node in nodelist:
        _check(node, names)
    return OnceNode(nodelist, names)


class OnceNode(template.Node):
    def __init__(self, nodelist, names):
        self.nodelist = nodelist
        self.names = tuple(names)
        self.kept = {}
        _nodes.add(self)

    def render(self, context):
        values = tuple(str(context.get(name, "")) for name in self.names)
        key = (get_script_prefix(), get_urlconf(), values)
        html = self.kept.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(self.kept) >= MAX_KEPT:
                self.kept.clear()
            self.kept[key] = html
        return html


def _check(node, names):
    if isinstance(node, TextNode | CommentNode):
        return
    if isinstance(node, StaticNode) and node.varname is None and _literal(node.path):
        return
    if (
        isinstance(node, URLNode)
        and node.asvar is None
        and _literal(node.view_name)
        and all(map(_literal, node.args))
        and all(map(_literal, node.kwargs.values()))
    ):
        return
    if isinstance(node, VariableNode):
        expression = node.filter_expression
        variable = expression.var
        if (
            isinstance(variable, Variable)
            and variable.var in names
            and all(not is_variable for _, args in expression.filters for is_variable, _ in args)
        ):
            return
    raise template.TemplateSyntaxError(
        "{% once %} holds only text, {% static %} and {% url %} with literal arguments, "
        f"and the variables it names ({', '.join(names) or 'none'}); not {node!r}"
    )


def _literal(expression):
    """Whether a filter expression is a quoted literal with literal filter arguments."""
    return not isinstance(expression.var, Variable) and all(
        not is_variable for _, args in expression.filters for is_variable, _ in args
    )


def _forget(**kwargs):
    for node in list(_nodes):
        node.kept.clear()


setting_changed.connect(_forget)
