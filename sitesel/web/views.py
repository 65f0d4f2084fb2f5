from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from sitesel import selectors


@login_required
def home(request):
    """The planner's start page: where things are, the layers loaded and the candidate sites."""
    layers = selectors.layer_list()
    sites = selectors.site_list().order_by("state", "name")
    return render(request, "sitesel/home.html", {"layers": layers, "sites": sites})
