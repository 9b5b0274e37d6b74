from django.contrib import admin
from django.db import models

from .models import Paper, PaperAlias


class PaperAliasInline(admin.TabularInline):
    model = PaperAlias
    extra = 0
    fields = ["key", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ["bibtex_key", "title", "venue", "year"]
    list_filter = ["year"]
    search_fields = ["bibtex_key", "title", "authors", "arxiv_id", "doi", "aliases__key"]
    readonly_fields = ["created_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [PaperAliasInline]
