"""Import every real layer listed in fixtures/layers/manifest.json (idempotent)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings

from sitesel.services.layers import LayerImportResult, layer_import


def default_manifest() -> Path:
    return settings.FIXTURES_DIR / "layers" / "manifest.json"


def manifest_entries(manifest: Path | None = None) -> list[dict]:
    return json.loads((manifest or default_manifest()).read_text())["layers"]


def demo_layers_import(
    *, manifest: Path | None = None, progress_factory: Callable[[str], Callable[[int], None]] | None = None
) -> Iterator[LayerImportResult]:
    """Import each layer of the manifest in order, yielding each result as it finishes."""
    manifest = manifest or default_manifest()
    base = manifest.parent
    for entry in manifest_entries(manifest):
        yield layer_import(
            kind=entry["kind"],
            path=base / entry["path"],
            source=entry.get("source", ""),
            vintage=entry.get("vintage"),
            make_valid=entry.get("make_valid", False),
            skip_bad_geometry=entry.get("skip_bad_geometry", False),
            join_eia860=base / entry["join_eia860"] if entry.get("join_eia860") else None,
            progress=progress_factory(entry["kind"]) if progress_factory else None,
        )
