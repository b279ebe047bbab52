from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, queryset, per_page=None):
    """The requested page of `queryset`.

    A page number that is not a whole number shows the first page; one past either end
    shows the nearest valid page (Paginator.get_page would send 0 to the last page).
    """
    paginator = Paginator(queryset, per_page or settings.PAPERS_PER_PAGE)
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    return paginator.page(min(max(number, 1), paginator.num_pages))
