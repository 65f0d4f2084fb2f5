"""Database choices mirrored from the pure domain (orchestration/domain), so both share one vocabulary."""

from django.db import models

from orchestration.domain.categories import Category as DomainCategory
from orchestration.domain.states import BlockState


class Category(models.TextChoices):
    """The nine inputs a block depends on (values are `orchestration.domain.categories.Category`)."""

    CHIPS = DomainCategory.CHIPS.value, "Chips"
    MEMORY = DomainCategory.MEMORY.value, "Memory"
    NETWORKING = DomainCategory.NETWORKING.value, "Networking"
    POWER_EQUIPMENT = DomainCategory.POWER_EQUIPMENT.value, "Power equipment"
    COOLING = DomainCategory.COOLING.value, "Cooling"
    BUILDINGS = DomainCategory.BUILDINGS.value, "Buildings"
    ONSITE_GENERATION = DomainCategory.ONSITE_GENERATION.value, "On-site generation"
    POWER_DISTRIBUTION = DomainCategory.POWER_DISTRIBUTION.value, "Power distribution"
    LAND = DomainCategory.LAND.value, "Land"


class State(models.TextChoices):
    """Block lifecycle states (values are `orchestration.domain.states.BlockState`)."""

    PLANNED = BlockState.PLANNED.value, "Planned"
    SITE_READY = BlockState.SITE_READY.value, "Site ready"
    POWERED = BlockState.POWERED.value, "Powered"
    COOLED = BlockState.COOLED.value, "Cooled"
    HARDWARE_INSTALLED = BlockState.HARDWARE_INSTALLED.value, "Hardware installed"
    COMMISSIONED = BlockState.COMMISSIONED.value, "Commissioned"
    LIVE = BlockState.LIVE.value, "Live"


class Source(models.TextChoices):
    """Where a change came from (events and the slip log)."""

    API = "api", "API"
    ADMIN = "admin", "Admin"
    FEED = "feed", "Supplier feed"
    SYSTEM = "system", "System"
