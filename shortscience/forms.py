"""What the apps' forms share: one way of saying that a text is too long, and one check
that a text can be rendered."""

from django.core.exceptions import ValidationError

from markup.render import Refused, render

# In the words the bio's error has always used; %(limit_value)d and %(show_value)d are
# filled in by Django's MaxLengthValidator.
_TOO_LONG = (
    "{what} can be at most %(limit_value)d characters long (it has %(show_value)d). "
    "Please shorten it."
)


def too_long_message(what):
    """The error for a text over its field's max_length; `what` names it as the
    sentence's subject: "Your bio", "The abstract"."""
    return _TOO_LONG.format(what=what)


def limit_length(field, what):
    """Make `field` (which has a max_length) report a text that is too long as
    too_long_message(what) says, and leave the length to the server.

    Browsers cut pasted text at `maxlength` without a word; without it the whole text
    is sent, and comes back in the form with the error, to be shortened by its author.
    """
    field.error_messages["max_length"] = too_long_message(what)
    field.widget.attrs.pop("maxlength", None)
    return field


def check_renders(text, flavor):
    """Refuse, with the renderer's own message, a text the site would not render: over
    one of markup.limits' limits (formulas, markup, output size) or too slow.

    The text stays in the form with the error. Citations are not looked up here: they
    change no limit, and the save that follows renders the text with them.
    """
    try:
        render(text, flavor=flavor)
    except Refused as error:
        raise ValidationError(str(error), code="refused") from None
    return text
