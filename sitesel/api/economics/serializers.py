"""Serializers for the economics reads: a site's model result, phased schedule, 50 MW : 1 GW comparison and a
run's spread against campus. Result fields are generated from the domain dataclasses, so the OpenAPI schema
lists every number with its type and stays in step with the model."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from rest_framework import serializers

from config.api.query_fields import QueryFloat, QueryInt
from sitesel.domain.scale import WaterfallTerm
from sitesel.domain.spread import OptionPlan
from sitesel.domain.time_to_power import BlockTiming
from sitesel.domain.types import EconomicsResult

MAX_CAPACITY_MW = 100_000.0
MAX_ID = 2**31 - 1
DOCS = "docs/economics.md lists every input, parameter, unit and source"


def _field_for(annotation: str, name: str) -> serializers.Field:
    unit = "USD" if name.endswith("_usd") else ("months" if "months" in name else "")
    help_text = f"{name.replace('_', ' ')}{f' ({unit})' if unit else ''}"
    if annotation == "bool":
        return serializers.BooleanField(help_text=help_text)
    if annotation in ("str",):
        return serializers.CharField(help_text=help_text)
    if annotation == "int":
        return serializers.IntegerField(help_text=help_text)
    if annotation.startswith("tuple"):
        return serializers.ListField(child=serializers.CharField(), help_text=help_text)
    return serializers.FloatField(allow_null=True, help_text=help_text)


def dataclass_serializer(name: str, cls: type) -> type[serializers.Serializer]:
    """A read-only serializer with one field per dataclass field (non-finite floats arrive as null)."""
    attrs: dict[str, Any] = {f.name: _field_for(str(f.type), f.name) for f in fields(cls)}
    return type(name, (serializers.Serializer,), attrs)


EconomicsResultSerializer = dataclass_serializer("EconomicsResultSerializer", EconomicsResult)
BlockTimingSerializer = dataclass_serializer("BlockTimingSerializer", BlockTiming)
WaterfallTermSerializer = dataclass_serializer("WaterfallTermSerializer", WaterfallTerm)


class RatioSerializer(serializers.Serializer):
    name = serializers.CharField()
    small_usd_per_mw = serializers.FloatField()
    large_usd_per_mw = serializers.FloatField()
    ratio = serializers.FloatField()
    waterfall = WaterfallTermSerializer(many=True)


OptionPlanSerializer = dataclass_serializer("OptionPlanSerializer", OptionPlan)
for _name in ("block_mw", "live_months", "mw_live_by_quarter"):
    OptionPlanSerializer._declared_fields[_name] = serializers.ListField(child=serializers.FloatField())


class ScheduleSerializer(serializers.Serializer):
    blocks = BlockTimingSerializer(many=True)
    quarters = serializers.ListField(child=serializers.IntegerField(), help_text="quarter q ends at month 3q")
    mw_live_p10 = serializers.ListField(child=serializers.FloatField(), help_text="MW live by quarter, P10")
    mw_live_p50 = serializers.ListField(child=serializers.FloatField())
    mw_live_p90 = serializers.ListField(child=serializers.FloatField())
    phases_p50 = serializers.DictField(child=serializers.FloatField(allow_null=True), help_text="months, P50 path")


class SiteEconomicsSerializer(serializers.Serializer):
    site = serializers.IntegerField()
    run = serializers.IntegerField(allow_null=True, help_text="the run whose scenario and draws were used")
    capacity_mw = serializers.FloatField(help_text="facility MW")
    months_from = serializers.CharField(help_text="what every month count is measured from")
    sources = serializers.CharField()
    economics = EconomicsResultSerializer()
    schedule = ScheduleSerializer()


class SiteScaleSerializer(serializers.Serializer):
    site = serializers.IntegerField()
    run = serializers.IntegerField(allow_null=True)
    cost_of_delay_usd_per_mw_month = serializers.FloatField()
    facility = RatioSerializer(help_text="facility only: capex per MW without IT equipment or on-site generation")
    all_in = RatioSerializer()
    time_adjusted = RatioSerializer(help_text="all-in plus on-site generation and the cost of later MW")
    small = EconomicsResultSerializer()
    large = EconomicsResultSerializer()
    sources = serializers.CharField()


class SpreadSerializer(serializers.Serializer):
    run = serializers.IntegerField()
    teams = serializers.IntegerField()
    by_month = serializers.FloatField(help_text="GPU-months are counted to this month from the decision")
    spread_sites = serializers.ListField(child=serializers.IntegerField())
    campus_site = serializers.IntegerField()
    spread = OptionPlanSerializer()
    campus = OptionPlanSerializer()
    spread_ground_breaking_months = serializers.ListField(child=serializers.FloatField())
    break_even_teams = serializers.IntegerField(allow_null=True)
    gpu_months_gap = serializers.FloatField(help_text="campus minus spread GPU-months by the date")
    cost_of_delay_usd_per_mw_month = serializers.FloatField()


class SiteEconomicsQuerySerializer(serializers.Serializer):
    capacity_mw = QueryFloat(min_value=1.0, max_value=MAX_CAPACITY_MW, default=1000.0)
    run = QueryInt(min_value=1, max_value=MAX_ID, required=False)


class SiteScaleQuerySerializer(serializers.Serializer):
    small_mw = QueryFloat(min_value=1.0, max_value=MAX_CAPACITY_MW, default=50.0)
    large_mw = QueryFloat(min_value=1.0, max_value=MAX_CAPACITY_MW, default=1000.0)
    run = QueryInt(min_value=1, max_value=MAX_ID, required=False)

    def validate(self, attrs: dict) -> dict:
        if attrs["small_mw"] >= attrs["large_mw"]:
            raise serializers.ValidationError({"large_mw": "must be larger than small_mw"})
        return attrs


class SpreadQuerySerializer(serializers.Serializer):
    teams = QueryInt(
        min_value=1, max_value=200, required=False, help_text="site teams; default 5, or every site if fewer"
    )
    sites = QueryInt(min_value=1, max_value=200, default=20)
    by_month = QueryFloat(min_value=1.0, max_value=240.0, default=60.0)
