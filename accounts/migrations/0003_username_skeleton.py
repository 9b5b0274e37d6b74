"""One account per username skeleton (accounts.names): the column, filled for the
accounts there are, then its unique constraint.

Accounts made before this may already share a skeleton ("Ada" and "ada", or "аda" with
a Cyrillic а). None is renamed or refused here, and the constraint must hold, so the
oldest account of each skeleton (earliest date_joined, then lowest id) gets it, and
every later one gets it set apart by its id, "ada#42" (names.set_apart): unique, and
the skeleton of no name. A later account keeps that for as long as it keeps its name
(names.skeleton_to_store), and nobody can sign up with a look-alike of it, since the
oldest holds the plain skeleton.
"""

from django.db import migrations, models

import accounts.models
import accounts.names
from accounts.names import set_apart, username_skeleton

BATCH_SIZE = 2000


def fill_skeletons(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    users = User.objects.using(schema_editor.connection.alias)
    held = set()
    batch = []
    oldest_first = users.order_by("date_joined", "pk").only("pk", "username")
    for user in oldest_first.iterator(chunk_size=BATCH_SIZE):
        skeleton = username_skeleton(user.username)
        if skeleton in held:
            skeleton = set_apart(skeleton, user.pk)
        held.add(skeleton)
        user.username_skeleton = skeleton
        batch.append(user)
        if len(batch) == BATCH_SIZE:
            users.bulk_update(batch, ["username_skeleton"])
            batch = []
    users.bulk_update(batch, ["username_skeleton"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_profile_and_preferences"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_skeleton",
            field=accounts.models.UsernameSkeletonField(
                editable=False,
                help_text="What the username and its look-alikes come down to (accounts.names).",
                max_length=1050,
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="username",
            field=models.CharField(
                error_messages={"unique": "A user with that username already exists."},
                help_text="Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.",
                max_length=150,
                unique=True,
                validators=[accounts.names.UsernameValidator()],
                verbose_name="username",
            ),
        ),
        migrations.RunPython(fill_skeletons, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                fields=("username_skeleton",),
                name="accounts_user_username_skeleton_unique",
                violation_error_message="That name is taken, or looks too much like one that is.",
            ),
        ),
    ]
