from sitesel.models.layers import Feature, Layer, LayerVersion
from sitesel.models.scoring_runs import (
    Scenario,
    ScoringChunk,
    ScoringChunkRank,
    ScoringRankPart,
    ScoringResult,
    ScoringRun,
)
from sitesel.models.sites import Site, SiteFacts, SiteStatusEvent

__all__ = [
    "Feature", "Layer", "LayerVersion", "Scenario", "ScoringChunk", "ScoringChunkRank", "ScoringRankPart",
    "ScoringResult", "ScoringRun", "Site", "SiteFacts", "SiteStatusEvent",
]  # fmt: skip
