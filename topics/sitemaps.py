"""The sitemap's section of topics (see shortscience/sitemaps.py): the topics that list
at least one public summary."""

from django.contrib import sitemaps
from django.db.models import Exists, OuterRef, Q

from shortscience.sitemaps import PAGE_LIMIT
from summaries.models import PUBLIC, Summary

from .models import Topic
from .services import PaperTopic, SummaryTopic


class TopicSitemap(sitemaps.Sitemap):
    limit = PAGE_LIMIT
    changefreq = "daily"
    priority = 0.6

    def items(self):
        public = Summary.objects.filter(PUBLIC).values("pk")
        own = SummaryTopic.objects.filter(topic=OuterRef("pk"), summary__in=public)
        of_papers = PaperTopic.objects.filter(topic=OuterRef("pk"), paper__summaries__in=public)
        return Topic.objects.filter(Q(Exists(own)) | Q(Exists(of_papers))).order_by("slug")

    def location(self, topic):
        return topic.get_absolute_url()
