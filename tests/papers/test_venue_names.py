"""Venue names: raw spellings mapped to the venue table's names, wherever papers come in."""

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from papers import venues
from papers.forms import PaperForm
from papers.importing import Importer, read_file
from papers.models import Paper, Venue, VenueAlias
from search.models import Document
from tests.factories import make_paper

pytestmark = pytest.mark.django_db

NEURIPS_SPELLINGS = [
    "NIPS",
    "nips",
    "NeurIPS",
    "NeurIPS 2020",
    "NeurIPS2020",
    "NIPS'17",
    "Advances in Neural Information Processing Systems",
    "advances in neural information processing systems",
    "Advances in Neural Information Processing Systems 33",
    "Advances in Neural Information Processing Systems 33 (NeurIPS 2020)",
    "Advances in Neural Information Processing Systems 30: Annual Conference on Neural "
    "Information Processing Systems 2017, December 4-9, 2017, Long Beach, CA, USA",
    "Proceedings of the 33rd Conference on Neural Information Processing Systems",
    "Thirty-Third Conference on Neural Information Processing Systems",
    "  Neural   Information Processing Systems  ",
    "Adv. Neural Inf. Process. Syst.",
]


@pytest.mark.parametrize("raw", NEURIPS_SPELLINGS)
def test_neurips_spellings(raw):
    assert venues.canonical(raw) == "NeurIPS"


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("International Conference on Machine Learning", "ICML"),
        (
            "Proceedings of the 37th International Conference on Machine Learning, {ICML} "
            "2020, 13-18 July 2020, Virtual Event",
            "ICML",
        ),
        ("ICML'20", "ICML"),
        ("8th International Conference on Learning Representations, ICLR 2020", "ICLR"),
        ("ICLR (Poster)", "ICLR"),
        ("Proceedings of the IEEE conference on computer vision and pattern recognition", "CVPR"),
        ("2017 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)", "CVPR"),
        ("IEEE/CVF Conference on Computer Vision and Pattern Recognition", "CVPR"),
        ("2017 IEEE International Conference on Computer Vision (ICCV)", "ICCV"),
        ("Computer Vision – ECCV 2018", "ECCV"),
        ("Proceedings of the 58th Annual Meeting of the Association for Computational "
         "Linguistics", "ACL"),
        ("ACL (1)", "ACL"),
        ("Proceedings of the 2019 Conference on Empirical Methods in Natural Language "
         "Processing and the 9th International Joint Conference on Natural Language "
         "Processing (EMNLP-IJCNLP)", "EMNLP"),
        ("Proceedings of the 2019 Conference of the North American Chapter of the "
         "Association for Computational Linguistics: Human Language Technologies, Volume 1 "
         "(Long and Short Papers)", "NAACL"),
        ("NAACL-HLT (1)", "NAACL"),
        ("Thirty-Third AAAI Conference on Artificial Intelligence", "AAAI"),
        ("Proceedings of the AAAI Conference on Artificial Intelligence", "AAAI"),
        ("International Joint Conference on Artificial Intelligence", "IJCAI"),
        ("Proceedings of the 26th ACM SIGKDD International Conference on Knowledge "
         "Discovery & Data Mining", "KDD"),
        ("Proceedings of The Web Conference 2020", "WWW"),
        ("SIGIR", "SIGIR"),
        ("Proceedings of the Thirty-Fifth Conference on Uncertainty in Artificial "
         "Intelligence", "UAI"),
        ("The 22nd International Conference on Artificial Intelligence and Statistics",
         "AISTATS"),
        ("Conference on Learning Theory", "COLT"),
        ("Conference on Robot Learning", "CoRL"),
        ("J. Mach. Learn. Res.", "JMLR"),
        ("Journal of Machine Learning Research", "JMLR"),
        ("IEEE Trans. Pattern Anal. Mach. Intell.", "TPAMI"),
        ("IEEE Transactions on Pattern Analysis and Machine Intelligence", "TPAMI"),
        ("Trans. Assoc. Comput. Linguistics", "TACL"),
        ("nature", "Nature"),
        ("Science (New York, N.Y.)", "Science"),
        ("Proc. Natl. Acad. Sci. USA", "PNAS"),
        ("Int. J. Comput. Vis.", "IJCV"),
        ("Neural Comput.", "Neural Computation"),
        ("Mach. Learn.", "Machine Learning"),
        ("CoRR", "arXiv"),
        ("CoRR abs/1706.03762", "arXiv"),
        ("arXiv preprint arXiv:1706.03762", "arXiv"),
        ("ArXiv", "arXiv"),
    ],
)  # fmt: skip
def test_known_venues(raw, name):
    assert venues.canonical(raw) == name


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        # Satellites of a series are not the series.
        ("CVPR Workshops", "CVPR Workshops"),
        ("Workshop on Deep Learning, ICML 2015", "Workshop on Deep Learning, ICML 2015"),
        ("Findings of the Association for Computational Linguistics: EMNLP 2020",
         "Findings of the Association for Computational Linguistics: EMNLP 2020"),
        # Unknown venues as written, whitespace trimmed, never dropped.
        ("  Some   Small Venue 2019 ", "Some Small Venue 2019"),
        ("PLOS ONE", "PLOS ONE"),
        ("", ""),
        ("(", "("),
    ],
)  # fmt: skip
def test_other_venues_are_kept(raw, kept):
    assert venues.canonical(raw) == kept


def test_keys_drop_years_ordinals_volumes_and_filler():
    assert venues.venue_key("Proceedings of the 37th ICML, Vol. 2, 2020") == "icml"
    assert venues.venue_key("Thirty-Third AAAI") == "aaai"
    assert (
        venues.venue_key("Knowledge Discovery & Data Mining") == "knowledge discovery data mining"
    )
    assert venues.candidate_keys("Advances in NIPS 33 (NeurIPS 2020)") == [
        "advances nips",
        "advances nips neurips",
        "neurips",
    ]


def test_matching_takes_linear_time_on_hostile_text():
    # Nested and unclosed parentheses, separators and digits by the thousand.
    for text in ["(" * 50_000, "a, " * 50_000, "1st " * 50_000, "((a)" * 20_000 + "b:c"]:
        start = time.perf_counter()
        venues.canonical(text)
        assert time.perf_counter() - start < 1.0
    assert len(venues.canonical("word " * 1_000)) <= venues.VENUE_MAX_LENGTH


def test_names_year():
    assert venues.names_year("ICML 2019", 2019)
    assert venues.names_year("NIPS'17", 2017)
    assert not venues.names_year("NeurIPS", 2020)
    assert not venues.names_year("ICML 2019", 2020)
    assert not venues.names_year("", 2020)


# The table ------------------------------------------------------------------------------


def test_seeded_table_holds_the_main_venues():
    names = set(Venue.objects.values_list("name", flat=True))
    assert {"NeurIPS", "ICML", "ICLR", "CVPR", "JMLR", "TPAMI", "Nature", "arXiv"} <= names
    neurips = Venue.objects.get(name="NeurIPS")
    spellings = set(neurips.aliases.values_list("name", flat=True))
    assert {"NeurIPS", "NIPS", "Advances in Neural Information Processing Systems"} <= spellings


def test_constraints_hold_names_and_keys_unique():
    with transaction.atomic(), pytest.raises(IntegrityError):
        Venue.objects.create(name="neurips")
    venue = Venue.objects.create(name="MLSys")
    with transaction.atomic(), pytest.raises(IntegrityError):
        # Reads as "nips", which is NeurIPS's.
        VenueAlias.objects.create(venue=venue, name="Proceedings of NIPS")
    with transaction.atomic(), pytest.raises(IntegrityError):
        VenueAlias.objects.create(venue=venue, name="2020")  # no word: an empty key


def test_admin_adds_a_venue_with_its_own_name_as_a_spelling(admin_client):
    response = admin_client.post(
        "/admin/papers/venue/add/",
        {
            "name": "MLSys",
            "full_name": "Conference on Machine Learning and Systems",
            "aliases-TOTAL_FORMS": 1,
            "aliases-INITIAL_FORMS": 0,
            "aliases-0-name": "SysML",
        },
    )
    assert response.status_code == 302
    assert venues.canonical("Proceedings of the 3rd Conference on Machine Learning and "
                            "Systems") == "MLSys"  # fmt: skip
    assert venues.canonical("SysML 2019") == "MLSys"
    assert venues.canonical("mlsys") == "MLSys"


def test_admin_refuses_a_spelling_of_another_venue(admin_client):
    response = admin_client.post(
        "/admin/papers/venue/add/",
        {
            "name": "MLSys",
            "aliases-TOTAL_FORMS": 1,
            "aliases-INITIAL_FORMS": 0,
            "aliases-0-name": "Proceedings of NIPS",
        },
    )
    assert response.status_code == 200
    assert "a spelling of NeurIPS" in response.content.decode()
    assert not Venue.objects.filter(name="MLSys").exists()


def test_lookup_is_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert venues.lookup("Advances in Neural Information Processing Systems 33").name == (
            "NeurIPS"
        )
    with django_assert_num_queries(0):
        assert venues.lookup("  ") is None


# Where papers come in -------------------------------------------------------------------


def test_add_form_stores_the_venues_name_and_keeps_others():
    def venue_of(typed):
        form = PaperForm(
            {"title": "T", "authors": "A", "venue": typed, "bibtex_key": "k/T", "year": 2020}
        )
        assert form.is_valid(), form.errors
        return form.cleaned_data["venue"]

    assert venue_of("Advances in Neural Information Processing Systems 33 (NeurIPS 2020)") == (
        "NeurIPS"
    )
    assert venue_of("  My Workshop ") == "My Workshop"


def test_admin_paper_form_stores_the_venues_name(admin_client):
    response = admin_client.post(
        "/admin/papers/paper/add/",
        {
            "bibtex_key": "conf/nips/X20",
            "title": "A title",
            "authors": "A. B",
            "venue": "nips",
            "year": 2020,
            "aliases-TOTAL_FORMS": 0,
            "aliases-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    assert Paper.objects.get().venue == "NeurIPS"


def test_import_maps_venues_with_no_query_per_record(tmp_path):
    def run(count, venue_of):
        Paper.objects.all().delete()
        path = tmp_path / f"{count}.bib"
        path.write_text(
            "".join(
                f"@inproceedings{{K{i}, title={{Paper {i}}}, booktitle={{{venue_of(i)}}}, "
                f"year={{2020}}}}\n"
                for i in range(count)
            )
        )
        with CaptureQueriesContext(connection) as captured:
            tally = Importer().run(read_file(path))
        assert tally.created == count
        # The venue table is read once for the run.
        assert sum("papers_venuealias" in q["sql"] for q in captured.captured_queries) == 1
        return len(captured)

    spellings = [
        "Advances in Neural Information Processing Systems 33",
        "NIPS",
        "Proceedings of the 37th International Conference on Machine Learning",
        "Some Workshop",
    ]
    few = run(3, lambda i: spellings[i % 4])
    many = run(60, lambda i: spellings[i % 4] if i % 5 else f"Venue number {i}")
    assert few == many
    stored = dict(Paper.objects.values_list("bibtex_key", "venue"))
    assert (stored["K1"], stored["K2"], stored["K3"], stored["K4"]) == (
        "NeurIPS",
        "ICML",
        "Some Workshop",
        "NeurIPS",
    )
    assert stored["K10"] == "Venue number 10"
    assert Document.objects.get(kind=Document.Kind.PAPER, paper__bibtex_key="K1").venue == (
        "NeurIPS"
    )


def test_normalize_venues_renames_stored_papers_and_their_documents():
    # Stored before a spelling was known (make_paper writes without mapping).
    old = make_paper(venue="Advances in Neural Information Processing Systems 33")
    other = make_paper(venue="My Workshop")
    out = StringIO()
    call_command("normalize_venues", stdout=out)
    assert "1 venue spelling renamed." in out.getvalue()
    old.refresh_from_db()
    other.refresh_from_db()
    assert (old.venue, other.venue) == ("NeurIPS", "My Workshop")
    assert Document.objects.get(kind=Document.Kind.PAPER, object_id=old.pk).venue == "NeurIPS"


def test_a_sources_venue_comes_back_under_the_venues_name(recorded_sources):
    from papers import sources

    # Crossref writes "2017 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)".
    paper = sources.fetch(sources.identify("10.1109/CVPR.2017.243"))
    assert paper.venue == "CVPR"
