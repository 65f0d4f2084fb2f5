"""/history/<type>/<id>/: one object's change log as a page, linked from the site and program pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from changelog.selectors import HistoryFilter, actor_names, changes_of, history_rows
from changelog.tracking import audited_models
from config.api.roles import internal_page, user_access

PAGE_SIZE = 100


@internal_page
@require_GET
def object_history(request, object_type: str, pk: int):
    if object_type not in audited_models():
        raise Http404("No change log for this kind of object.")
    rows = history_rows(
        access=user_access(request.user), filters=HistoryFilter(object_type=object_type, object_id=pk)
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    names = actor_names(list(page))
    entries = [
        {
            "row": row,
            "actor": names.get((row.pgh_context or {}).get("user")),
            "context": row.pgh_context or {},
            "changes": sorted(changes_of(row).items()),
        }
        for row in page
    ]
    model = audited_models()[object_type].model
    obj = model.objects.filter(pk=pk).first()
    return render(
        request,
        "changelog/history.html",
        {"object_type": object_type, "pk": pk, "obj": obj, "verbose_name": model._meta.verbose_name,
         "page": page, "entries": entries},
    )


app_name = "changelog_web"
urlpatterns = [path("history/<slug:object_type>/<int:pk>/", object_history, name="object-history")]
