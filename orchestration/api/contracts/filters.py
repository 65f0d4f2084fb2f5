"""Contract, line and delivery filters; id choices scoped to the user."""

from __future__ import annotations

import django_filters

from orchestration import selectors
from orchestration.api.scoped_filters import scoped_choice_filter
from orchestration.models import (
    Category,
    Contract,
    ContractLine,
    Delivery,
)


class ContractFilter(django_filters.FilterSet):
    supplier = scoped_choice_filter(selectors.supplier_list)
    project = scoped_choice_filter(selectors.project_list)
    reference = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Contract
        fields = ("supplier", "project", "currency", "reference")


class ContractLineFilter(django_filters.FilterSet):
    contract = scoped_choice_filter(selectors.contract_list)
    project = scoped_choice_filter(selectors.project_list, "contract__project")
    supplier = scoped_choice_filter(selectors.supplier_list, "contract__supplier")
    block = scoped_choice_filter(selectors.block_list, "blocks")
    category = django_filters.ChoiceFilter(choices=Category.choices)
    required_before = django_filters.DateFilter(field_name="required_on_site", lookup_expr="lte")

    class Meta:
        model = ContractLine
        fields = ("contract", "project", "supplier", "category", "block", "required_before")


class DeliveryFilter(django_filters.FilterSet):
    line = scoped_choice_filter(selectors.contract_line_list)
    supplier = scoped_choice_filter(selectors.supplier_list)
    contract = scoped_choice_filter(selectors.contract_list, "line__contract")
    project = scoped_choice_filter(selectors.project_list, "line__contract__project")
    status = django_filters.ChoiceFilter(choices=Delivery.Status.choices)
    shipment_ref = django_filters.CharFilter()
    expected_before = django_filters.DateFilter(field_name="expected_date", lookup_expr="lte")

    class Meta:
        model = Delivery
        fields = ("line", "supplier", "contract", "project", "status", "shipment_ref", "installed", "expected_before")
