from sitesel.models.layers import Feature, Layer, LayerVersion
from sitesel.models.sites import Site, SiteFacts, SiteStatusEvent

__all__ = ["Feature", "Layer", "LayerVersion", "Site", "SiteFacts", "SiteStatusEvent"]
