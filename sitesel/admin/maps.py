"""The admin's map widgets: the offline base (state outlines) and a read-only map for imported geometry."""

from __future__ import annotations

from django import forms
from leaflet.forms.widgets import LeafletWidget

MAP_CHANGE_FORM = "admin/sitesel/map_change_form.html"

# Our base layer for every admin map (LEAFLET_CONFIG has TILES = [], so nothing is fetched from the internet).
# The geography base (places, highways, rivers, lakes, urban areas) is the planner map's (sitesel/web/context.js).
MAP_MEDIA = forms.Media(
    js=["sitesel/web/context.js", "sitesel/admin/boundaries.js"],
    css={"all": ["sitesel/admin/map.css", "sitesel/web/context.css"]},
)


class ReadOnlyMapWidget(LeafletWidget):
    """A Leaflet map that shows a geometry without draw controls."""

    modifiable = False


def number_text(value, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"
