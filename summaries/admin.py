from django.contrib import admin

from .models import Comment, Summary


@admin.register(Summary)
class SummaryAdmin(admin.ModelAdmin):
    list_display = ["paper", "author", "is_private", "is_anonymous", "score", "created_at"]
    list_filter = ["is_private", "is_anonymous"]
    list_select_related = ["paper", "author"]
    search_fields = ["paper__title", "paper__bibtex_key", "author__username", "body"]
    raw_id_fields = ["paper", "author"]
    readonly_fields = ["score", "created_at", "updated_at", "renderer_version"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["summary", "author", "created_at"]
    list_select_related = ["summary__paper", "summary__author", "author"]
    search_fields = ["body", "author__username"]
    raw_id_fields = ["summary", "author"]
    readonly_fields = ["created_at", "renderer_version"]
