"""The main venues of machine learning and its neighbours, with the spellings arXiv,
Crossref, DBLP and BibTeX entries (Google Scholar's, DBLP's) give them. Moderators add
more in the admin."""

from django.db import migrations

from papers.venues import venue_key

# (name, full name, other spellings). Years, volume numbers, ordinals, "Proceedings of
# the", "IEEE"/"ACM"/"CVF", "Annual" and parentheses around an abbreviation need no
# spelling of their own (papers.venues.venue_key drops them).
VENUES = [
    (
        "NeurIPS",
        "Conference on Neural Information Processing Systems",
        [
            "NIPS",
            "Advances in Neural Information Processing Systems",
            "Neural Information Processing Systems",
            "Adv. Neural Inf. Process. Syst.",
        ],
    ),
    (
        "ICML",
        "International Conference on Machine Learning",
        ["Int. Conf. Mach. Learn."],
    ),
    (
        "ICLR",
        "International Conference on Learning Representations",
        ["Int. Conf. Learn. Represent."],
    ),
    (
        "CVPR",
        "IEEE/CVF Conference on Computer Vision and Pattern Recognition",
        [
            "Computer Vision and Pattern Recognition",
            "IEEE Computer Society Conference on Computer Vision and Pattern Recognition",
            "IEEE Conf. Comput. Vis. Pattern Recog.",
        ],
    ),
    (
        "ICCV",
        "IEEE/CVF International Conference on Computer Vision",
        ["Int. Conf. Comput. Vis."],
    ),
    (
        "ECCV",
        "European Conference on Computer Vision",
        ["Computer Vision – ECCV", "Eur. Conf. Comput. Vis."],
    ),
    (
        "ACL",
        "Annual Meeting of the Association for Computational Linguistics",
        ["Meeting of the Association for Computational Linguistics"],
    ),
    (
        "EMNLP",
        "Conference on Empirical Methods in Natural Language Processing",
        ["Empirical Methods in Natural Language Processing", "EMNLP-IJCNLP", "EMNLP/IJCNLP"],
    ),
    (
        "NAACL",
        "Conference of the North American Chapter of the Association for Computational Linguistics",
        [
            "NAACL-HLT",
            "NAACL HLT",
            "North American Chapter of the Association for Computational Linguistics",
            "Conference of the North American Chapter of the Association for "
            "Computational Linguistics: Human Language Technologies",
        ],
    ),
    (
        "AAAI",
        "AAAI Conference on Artificial Intelligence",
        ["AAAI Conference", "Proc. AAAI Conf. Artif. Intell."],
    ),
    (
        "IJCAI",
        "International Joint Conference on Artificial Intelligence",
        ["IJCAI-ECAI"],
    ),
    (
        "KDD",
        "ACM SIGKDD International Conference on Knowledge Discovery and Data Mining",
        [
            "SIGKDD",
            "International Conference on Knowledge Discovery and Data Mining",
            "Knowledge Discovery and Data Mining",
        ],
    ),
    (
        "WWW",
        "The Web Conference",
        [
            "TheWebConf",
            "International World Wide Web Conference",
            "World Wide Web Conference",
            "International Conference on World Wide Web",
        ],
    ),
    (
        "SIGIR",
        "International ACM SIGIR Conference on Research and Development in Information Retrieval",
        ["SIGIR Conference on Research and Development in Information Retrieval"],
    ),
    (
        "UAI",
        "Conference on Uncertainty in Artificial Intelligence",
        ["Uncertainty in Artificial Intelligence"],
    ),
    (
        "AISTATS",
        "International Conference on Artificial Intelligence and Statistics",
        ["Artificial Intelligence and Statistics"],
    ),
    (
        "COLT",
        "Conference on Learning Theory",
        ["Conference on Computational Learning Theory"],
    ),
    ("CoRL", "Conference on Robot Learning", []),
    (
        "JMLR",
        "Journal of Machine Learning Research",
        ["J. Mach. Learn. Res."],
    ),
    (
        "TPAMI",
        "IEEE Transactions on Pattern Analysis and Machine Intelligence",
        ["PAMI", "IEEE TPAMI", "IEEE Trans. Pattern Anal. Mach. Intell."],
    ),
    (
        "TACL",
        "Transactions of the Association for Computational Linguistics",
        ["Trans. Assoc. Comput. Linguistics"],
    ),
    ("Nature", "", []),
    ("Science", "", []),
    (
        "PNAS",
        "Proceedings of the National Academy of Sciences",
        [
            "Proceedings of the National Academy of Sciences of the United States of America",
            "Proc. Natl. Acad. Sci.",
            "Proc. Natl. Acad. Sci. USA",
            "Proc. Natl. Acad. Sci. U.S.A.",
        ],
    ),
    (
        "IJCV",
        "International Journal of Computer Vision",
        ["Int. J. Comput. Vis.", "Int. J. Comput. Vision"],
    ),
    ("Neural Computation", "", ["Neural Comput."]),
    ("Machine Learning", "", ["Mach. Learn."]),
    (
        "arXiv",
        "",
        [
            "CoRR",
            "arXiv preprint",
            "arXiv preprint arXiv",
            "arXiv e-prints",
            "CoRR abs",
            "ArXiv abs",
            "Computing Research Repository",
        ],
    ),
]


def seed(apps, schema_editor):
    Venue = apps.get_model("papers", "Venue")
    VenueAlias = apps.get_model("papers", "VenueAlias")
    db = schema_editor.connection.alias
    taken = set(VenueAlias.objects.using(db).values_list("key", flat=True))
    for name, full_name, spellings in VENUES:
        venue = Venue.objects.using(db).filter(name__iexact=name).first()
        if venue is None:
            venue = Venue.objects.using(db).create(name=name, full_name=full_name)
        aliases = []
        for spelling in [name, full_name, *spellings]:
            key = venue_key(spelling)
            # Spellings that read the same (with and without "IEEE") are one row.
            if key and key not in taken:
                taken.add(key)
                aliases.append(VenueAlias(venue=venue, name=spelling, key=key))
        VenueAlias.objects.using(db).bulk_create(aliases)


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0011_venue_table"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
