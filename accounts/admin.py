from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm

from moderation import services as moderation

from . import orcid
from .models import User


class UserForm(UserChangeForm):
    # Longer than the stored form, so that the link from orcid.org can be pasted too.
    orcid = forms.CharField(label="ORCID iD", required=False, max_length=100)

    class Meta(UserChangeForm.Meta):
        model = User

    def clean_orcid(self):
        # Stored in one form whoever types it in, as the settings page stores it.
        value = self.cleaned_data["orcid"]
        return orcid.normalize(value) if value.strip() else ""


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserForm
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("Profile", {"fields": ["display_name", "bio", "orcid"]}),
        ("E-mail notifications", {"fields": ["notify_on_comment", "notify_on_reply"]}),
    ]
    list_display = ["username", "email", "display_name", "is_staff", "date_joined"]
    search_fields = ["username", "display_name", "email", "orcid"]
    actions = ["ban", "unban"]

    def get_readonly_fields(self, request, obj=None):
        # A deleted account's name, "deleted#<id>", is one no validator accepts, so that
        # nobody can sign up with it: shown, not edited, the rest of the row saves.
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and obj.deleted_at is not None:
            return [*readonly, "username"]
        return readonly

    @admin.action(description="Ban: deactivate and hide everything they wrote")
    def ban(self, request, queryset):
        # Staff are not banned from here (nor is one's own account): that takes a
        # superuser editing the account, on purpose.
        banned = queryset.filter(is_staff=False, is_active=True).exclude(pk=request.user.pk)
        count = 0
        for user in banned:
            moderation.ban(user, request.user)
            count += 1
        self.message_user(request, f"Banned {count} user{'s' if count != 1 else ''}.")

    @admin.action(description="Unban: let them log in again (their content stays hidden)")
    def unban(self, request, queryset):
        count = 0
        for user in queryset.filter(is_active=False):
            moderation.unban(user)
            count += 1
        self.message_user(request, f"Unbanned {count} user{'s' if count != 1 else ''}.")
