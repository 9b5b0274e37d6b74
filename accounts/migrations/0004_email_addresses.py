"""allauth's e-mail address rows for the accounts made before it.

Every account with an e-mail address gets it as its primary one, verified: those
accounts posted before verification existed and keep posting. Where accounts share an
address (in any case), the oldest (by date joined, then id) has it verified and the
others unverified, to verify again: allauth lets one account alone hold a verified
address. Accounts that hold rows already are left be.
"""

from django.db import migrations


def add_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    taken = set(
        EmailAddress.objects.filter(verified=True).values_list("email", flat=True).iterator()
    )
    with_rows = set(EmailAddress.objects.values_list("user_id", flat=True).distinct().iterator())
    batch = []
    users = (
        User.objects.exclude(email="")
        .order_by("date_joined", "pk")
        .values_list("pk", "email")
        .iterator(chunk_size=2000)
    )
    for pk, email in users:
        email = email.strip().lower()
        if pk in with_rows or not email:
            continue
        verified = email not in taken
        taken.add(email)
        batch.append(EmailAddress(user_id=pk, email=email, verified=verified, primary=True))
        if len(batch) >= 2000:
            EmailAddress.objects.bulk_create(batch)
            batch = []
    EmailAddress.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_username_skeleton"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(add_addresses, migrations.RunPython.noop, elidable=True)]
