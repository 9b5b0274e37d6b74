from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from papers import venues
from papers.models import Paper
from summaries import demo_content, services
from summaries.models import Comment, Summary, Vote
from summaries.ranking import hotness
from topics.services import attach_categories

USERNAMES = ", ".join(user["username"] for user in demo_content.USERS)


class Command(BaseCommand):
    help = (
        "Load demo papers, summaries, votes and comments into the database. Creates the users "
        f"{USERNAMES}, each with the password '{demo_content.PASSWORD}' (existing accounts "
        "keep their password). No superuser is created; use createsuperuser for that. "
        "Running it again updates the demo rows instead of duplicating them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only load when there are no papers yet, so setup scripts can always run it.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if options["if_empty"] and Paper.objects.exists():
            self.stdout.write("Papers already exist; skipped loading the demo content.")
            return

        # One reference time, so relative ages are consistent across all rows.
        now = timezone.now()
        users = self.load_users()
        papers = self.load_papers(now)
        summaries = self.load_summaries(users, papers, now)
        self.load_comments(users, summaries)

        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(papers)} papers, {len(summaries)} summaries and "
                f"{len(demo_content.COMMENTS)} comments by {len(users)} users."
            )
        )
        self.stdout.write(
            f"Log in as any of {USERNAMES} with the password '{demo_content.PASSWORD}'."
        )

    def load_users(self):
        User = get_user_model()
        users = {}
        for data in demo_content.USERS:
            profile = {name: value for name, value in data.items() if name != "username"}
            user, created = User.objects.get_or_create(username=data["username"], defaults=profile)
            # Only new accounts: a rerun must not reset a password someone has changed.
            if created:
                user.set_password(demo_content.PASSWORD)
                user.save(update_fields=["password"])
                # Verified, as if its owner had followed the link: demo accounts post
                # (unless another account holds the address verified already).
                email = user.email.lower()
                taken = EmailAddress.objects.filter(email=email, verified=True).exists()
                EmailAddress.objects.get_or_create(
                    user=user, email=email, defaults={"primary": True, "verified": not taken}
                )
            users[user.username] = user
        return users

    def load_papers(self, now):
        papers = {}
        for data in demo_content.PAPERS:
            fields = dict(data)
            key = fields["bibtex_key"]
            added = now - timedelta(days=fields.pop("added_days_ago"))
            categories = fields.pop("categories", ())
            # Under the venue's name, as a paper added through the site is stored: the
            # venue's page lists papers by it ("NIPS" is NeurIPS).
            fields["venue"] = venues.canonical(fields.get("venue", ""))
            # Keys are unique case-insensitively, so match the same way to avoid an
            # IntegrityError on a differently cased existing row.
            paper, _ = Paper.objects.update_or_create(bibtex_key__iexact=key, defaults=fields)
            # created_at is auto_now_add, which ignores values passed to save().
            Paper.objects.filter(pk=paper.pk).update(created_at=added)
            attach_categories(paper, categories)
            papers[key] = paper
        return papers

    def load_summaries(self, users, papers, now):
        summaries = {}
        for data in demo_content.SUMMARIES:
            paper, author = papers[data["paper"]], users[data["author"]]
            body = data["body"].strip() + "\n"
            flags = {
                "is_private": data.get("is_private", False),
                "is_anonymous": data.get("is_anonymous", False),
            }
            posted = now - timedelta(days=data["days_ago"])
            new = not Summary.objects.filter(paper=paper, author=author).exists()
            if new and "earlier" in data:
                # First the text as published, then the edit: the history page has a
                # version to compare.
                current, earlier = data["earlier"]
                services.save_summary(
                    paper=paper, author=author, body=body.replace(current, earlier), **flags
                )
                Summary.objects.filter(paper=paper, author=author).update(created_at=posted)
            summary, _ = services.save_summary(paper=paper, author=author, body=body, **flags)
            # The timestamps are automatic, so they are set with update(); updated_at too, or
            # every demo summary looks freshly saved.
            edited = summary.edited_at and now - timedelta(days=data["edited_days_ago"])
            Summary.objects.filter(pk=summary.pk).update(
                created_at=posted, updated_at=edited or posted, edited_at=edited
            )
            summary.revisions.filter(number=1).update(written_at=posted)
            summary.created_at = posted
            self.load_votes(summary, data.get("score", 0), users)
            summaries[(data["paper"], data["author"])] = summary
        return summaries

    def load_votes(self, summary, score, users):
        """`score` up votes, from the other users in a fixed order; a rerun adds none."""
        voters = [user for user in users.values() if user.pk != summary.author_id][:score]
        for voter in voters:
            Vote.objects.get_or_create(summary=summary, user=voter, defaults={"value": Vote.UP})
        total = summary.votes.aggregate(total=Sum("value"))["total"] or 0
        Summary.objects.filter(pk=summary.pk).update(
            score=total, hotness=hotness(total, summary.created_at)
        )

    def load_comments(self, users, summaries):
        loaded = []
        for data in demo_content.COMMENTS:
            summary = summaries[data["summary"]]
            parent = loaded[data["reply_to"]] if "reply_to" in data else None
            # Comments have no natural key; the full text stands in for one.
            comment, _ = Comment.objects.get_or_create(
                summary=summary, author=users[data["author"]], body=data["body"], parent=parent
            )
            loaded.append(comment)
            Comment.objects.filter(pk=comment.pk).update(
                created_at=summary.created_at + timedelta(hours=data["hours_after"])
            )
