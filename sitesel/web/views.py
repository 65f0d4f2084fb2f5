from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from sitesel.models import Layer, Site


@login_required
def home(request):
    """The planner's start page: where things are, the layers loaded and the candidate sites."""
    layers = Layer.objects.select_related("current_version").order_by("family", "kind")
    sites = Site.objects.select_related("facts").order_by("state", "name")
    return render(request, "sitesel/home.html", {"layers": layers, "sites": sites})
