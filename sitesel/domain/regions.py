"""Which ISO/RTO interconnection process a site faces, from its EIA balancing-authority code."""

from __future__ import annotations

# EIA-860 balancing-authority codes of the seven US ISOs/RTOs; every other BA is a utility
# or federal balancing area outside an organised market ("non-ISO" in the economics parameters).
ISO_BY_BALANCING_AUTHORITY: dict[str, str] = {
    "PJM": "PJM",
    "MISO": "MISO",
    "ERCO": "ERCOT",
    "SWPP": "SPP",
    "CISO": "CAISO",
    "NYIS": "NYISO",
    "ISNE": "ISONE",
}
NON_ISO = "non-ISO"


def iso_region(balancing_authority: str | None) -> str | None:
    """ISO name, "non-ISO" for another known BA, None when the BA is unknown."""
    if not balancing_authority:
        return None
    return ISO_BY_BALANCING_AUTHORITY.get(balancing_authority.strip().upper(), NON_ISO)
