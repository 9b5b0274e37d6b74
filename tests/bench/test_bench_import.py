"""`bench/import_papers.py`: a tiny run on PostgreSQL prints the import's rates and their
ratio to the floor, a bare COPY of the same rows, and leaves the imported rows as the
import wrote them (the floor's writes are rolled back)."""

import re

import pytest
from django.db import connection

from papers.models import Paper
from search.models import Document

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_import_benchmark_prints_its_rates_as_ratios_to_the_floor(capsys):
    if connection.vendor != "postgresql":
        pytest.skip("the floor is written with PostgreSQL's COPY")
    from bench import import_papers

    import_papers.main(["--records", "60"])

    out = capsys.readouterr().out
    assert "first run: " in out and "60 created, 0 updated, 0 unchanged" in out
    assert "0 created, 0 updated, 60 unchanged" in out
    assert re.search(r"floor \(COPY of the same rows alone\): [\d.]+ s, [\d,]+ papers/s", out)
    ratios = re.findall(r"^(first|second) run: (\d+\.\d\d) × the floor's rate$", out, re.M)
    assert [label for label, _ in ratios] == ["first", "second"]
    assert all(float(ratio) > 0 for _, ratio in ratios)
    assert "s in the server" in out  # CPU read from /proc, the server being local
    # The floor wrote into emptied tables and was rolled back: the import's rows stay.
    assert Paper.objects.filter(bibtex_key__startswith="conf/bench/").count() == 60
    assert Document.objects.filter(kind=Document.Kind.PAPER).count() == 60
