from django.contrib import admin
from django.utils.html import format_html

from .models import Figure


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    """For moderators: find a figure by its name (from a summary's image address) or
    its owner, look at it and delete it; deleting a row deletes its file."""

    list_display = ["name", "owner", "width", "height", "bytes", "created_at"]
    search_fields = ["name", "owner__username"]
    readonly_fields = ["owner", "name", "bytes", "width", "height", "created_at", "preview"]
    list_select_related = ["owner"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Image")
    def preview(self, figure):
        return format_html('<img src="{}" alt="" width="320">', figure.url)
