"""Every write of the API goes through a service: no routed viewset falls back on DRF's default perform_create,
perform_update or perform_destroy (which save or delete through the serializer or the model, skipping the rules)."""

from __future__ import annotations

import pytest
from rest_framework import mixins

from orchestration.api.urls import router as orchestration_router
from sitesel.api.urls import router as sitesel_router

DEFAULTS = {
    (mixins.CreateModelMixin, "create", "perform_create"),
    (mixins.UpdateModelMixin, "update", "perform_update"),
    (mixins.DestroyModelMixin, "destroy", "perform_destroy"),
}
VIEWSETS = [viewset for router in (sitesel_router, orchestration_router) for _, viewset, _ in router.registry]


def _falls_back_on_drf(viewset, mixin, action: str, hook: str) -> bool:
    if not issubclass(viewset, mixin):
        return False
    return getattr(viewset, action) is getattr(mixin, action) and getattr(viewset, hook) is getattr(mixin, hook)


@pytest.mark.parametrize("viewset", VIEWSETS, ids=lambda v: v.__name__)
def test_writes_are_routed_to_services(viewset):
    defaults = {hook for mixin, action, hook in DEFAULTS if _falls_back_on_drf(viewset, mixin, action, hook)}
    assert defaults == set()


def test_the_check_sees_a_default_write():
    from rest_framework import viewsets

    class Plain(viewsets.ModelViewSet):
        pass

    assert all(_falls_back_on_drf(Plain, *default) for default in DEFAULTS)
    assert len(VIEWSETS) >= 14
