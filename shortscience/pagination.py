from django.core.paginator import Paginator


def paginate(request, queryset, per_page):
    """The requested page; a bad or out-of-range ?page= gets the nearest real page."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    page.elided_range = page.paginator.get_elided_page_range(page.number)
    return page
