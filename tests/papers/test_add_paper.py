import pytest
from django.core.management import CommandError, call_command

from papers.models import Paper

pytestmark = pytest.mark.django_db


def add(*args):
    call_command("add_paper", *args)


def test_adds_a_paper():
    add(
        "conf/nips/RenHGS15",
        "--title",
        "Faster R-CNN",
        "--authors",
        "S. Ren, K. He",
        "--year",
        "2015",
        "--venue",
        "NIPS",
        "--url",
        "https://arxiv.org/abs/1506.01497",
    )
    paper = Paper.objects.get()
    # The venue under its name in the venue table.
    assert (paper.bibtex_key, paper.year, paper.venue) == ("conf/nips/RenHGS15", 2015, "NeurIPS")
    assert paper.author_list == ["S. Ren", "K. He"]


def test_existing_key_whatever_its_case_is_refused_without_update():
    add("conf/nips/RenHGS15", "--title", "One", "--authors", "A")
    with pytest.raises(CommandError, match="exists"):
        add("CONF/nips/renhgs15", "--title", "Two", "--authors", "A")
    add("conf/nips/RenHGS15", "--title", "Two", "--authors", "A", "--update")
    assert Paper.objects.get().title == "Two"


def test_malformed_key_is_refused():
    with pytest.raises(CommandError, match="letters, digits"):
        add("not a key", "--title", "T", "--authors", "A")
    assert not Paper.objects.exists()
