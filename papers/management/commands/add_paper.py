from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from papers.models import Paper


class Command(BaseCommand):
    help = "Add a paper by its BibTeX key, e.g. add_paper conf/nips/RenHGS15 --title '...'."

    def add_arguments(self, parser):
        parser.add_argument("key", help="BibTeX/DBLP key, e.g. conf/nips/RenHGS15")
        parser.add_argument("--title", required=True)
        parser.add_argument("--authors", required=True, help="Comma-separated names")
        parser.add_argument("--year", type=int)
        parser.add_argument("--venue", default="")
        parser.add_argument("--url", default="")
        parser.add_argument("--abstract", default="")
        parser.add_argument(
            "--update", action="store_true", help="Overwrite the paper if the key exists"
        )

    def handle(self, *args, key, update, **options):
        fields = {name: options[name] for name in ("title", "authors", "year", "venue", "url")}
        fields["abstract"] = options["abstract"]
        existing = Paper.objects.by_key(key).first()
        if existing and not update:
            raise CommandError(f"A paper with key {existing.bibtex_key} exists (use --update).")
        paper = existing or Paper(bibtex_key=key)
        for name, value in fields.items():
            setattr(paper, name, value)
        try:
            paper.full_clean(validate_unique=existing is None)
        except ValidationError as exc:
            messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(messages) from None
        paper.save()
        verb = "Updated" if existing else "Added"
        self.stdout.write(self.style.SUCCESS(f"{verb} {paper.bibtex_key}: {paper.title}"))
