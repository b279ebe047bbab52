from django.conf import settings
from django.core.paginator import Paginator


def requested_page(request):
    """The page number asked for; one that is not a whole number means the first."""
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


def paginate(request, items, per_page=None):
    """The requested page of `items` (a queryset or any sequence the Paginator takes).

    A page number that is not a whole number shows the first page; one past either end
    shows the nearest valid page (Paginator.get_page would send 0 to the last page).
    """
    paginator = Paginator(items, per_page or settings.PAPERS_PER_PAGE)
    return paginator.page(min(requested_page(request), paginator.num_pages))
