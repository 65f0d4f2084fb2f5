"""Template filters of the planner pages: money at a readable scale ({{ x|money }}, {{ x|money_per_mw }})."""

from django import template

from sitesel.web import formatting

register = template.Library()
register.filter("money", formatting.money)
register.filter("money_per_mw", formatting.money_per_mw)
