from django.apps import AppConfig
from django.urls import reverse

from markup.paper_links import PaperLinks, configure

from .keys import is_valid_key


def paper_path(key):
    """What `Paper.get_absolute_url` answers for the paper whose key is `key`."""
    return reverse("papers:detail", args=[key])


class PapersConfig(AppConfig):
    name = "papers"

    def ready(self):
        # markup imports no app (see its package docstring): it learns here what a paper
        # key may be and where a key's page is, for citations and the old site's links.
        configure(PaperLinks(is_valid_key=is_valid_key, path=paper_path))
