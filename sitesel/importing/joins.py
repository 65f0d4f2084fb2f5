"""Joins applied to a layer file before its rows are validated."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sitesel.importing.errors import ImportFailed

EIA860_COLUMNS = [
    "Plant Code", "State", "County", "Balancing Authority Code", "NERC Region", "Sector Name",
    "Grid Voltage (kV)", "Grid Voltage 2 (kV)", "Grid Voltage 3 (kV)",
    "Natural Gas Pipeline Name 1", "Natural Gas Pipeline Name 2", "Natural Gas Pipeline Name 3",
]  # fmt: skip


def eia860_join(path: Path):
    """GPPD rows gain EIA-860 grid voltage, state, BA and gas pipelines on eia_plant_code = Plant Code."""
    try:
        eia = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ImportFailed(f"cannot read EIA-860 file {path.name}: {exc}") from None
    missing = [c for c in EIA860_COLUMNS if c not in eia.columns]
    if missing:
        raise ImportFailed(f"{path.name}: missing required columns: {', '.join(missing)}")
    eia = eia[EIA860_COLUMNS].drop_duplicates("Plant Code")

    def join(frame: pd.DataFrame) -> pd.DataFrame:
        if "eia_plant_code" not in frame:
            return frame
        merged = frame.merge(eia, how="left", left_on="eia_plant_code", right_on="Plant Code")
        merged.index = frame.index
        return merged.drop(columns=["Plant Code"])

    return join
