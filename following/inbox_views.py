"""The inbox (/notifications/): newest first, keyset-paged; mark read; the kinds it
takes (also on the settings page, with the mail choice: accounts.forms.SettingsForm)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shortscience.pagination import keyset_page, redirects_page_numbers
from shortscience.text import plural

from . import inbox, preferences
from .models import Notification

INBOX_PAGE_SIZE = 20


class InboxSettingsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Tell me in the inbox about",
        choices=Notification.KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _settings_form(user):
    muted = preferences.of(user).muted
    return InboxSettingsForm(
        initial={"kinds": [k for k in Notification.KINDS if k not in (muted or ())]}
    )


@login_required
@redirects_page_numbers
def inbox_page(request):
    user = request.user
    notifications = inbox.visible(
        Notification.objects.filter(recipient=user), user
    ).select_related("actor", "summary__paper", "comment").defer(
        "summary__body", "summary__body_html", "summary__excerpt_html",
        "summary__paper__abstract", "summary__paper__abstract_html",
        "comment__body", "comment__body_html", "comment__excerpt_html",
        "actor__bio", "actor__bio_html",
    )  # fmt: skip
    page = keyset_page(request, notifications.order_by("-created_at", "-pk"), INBOX_PAGE_SIZE)
    inbox.shown(page.object_list)
    context = {"page": page, "settings_form": _settings_form(user)}
    return render(request, "following/inbox.html", context)


@login_required
@require_POST
def mark_read(request, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        Notification.objects.filter(pk=pk).update(read_at=timezone.now())
        inbox.forget_counts([request.user.pk])
    if request.POST.get("go"):
        return redirect(_target(notification))
    return redirect("following:inbox")


@login_required
@require_POST
def mark_all_read(request):
    updated = Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    inbox.forget_counts([request.user.pk])
    messages.success(request, f"Marked {plural(updated, 'notification')} read.")
    return redirect("following:inbox")


@login_required
@require_POST
def inbox_settings(request):
    form = InboxSettingsForm(request.POST)
    if form.is_valid():
        on = set(form.cleaned_data["kinds"])
        preferences.save(request.user, muted=[k for k in Notification.KINDS if k not in on])
        messages.success(request, "Inbox settings saved.")
    return redirect("following:inbox")


def _target(notification):
    if notification.comment_id:
        return notification.comment.get_absolute_url()
    return notification.summary.get_absolute_url()
