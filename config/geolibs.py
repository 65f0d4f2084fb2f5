"""Point GeoDjango at the GDAL and GEOS that ship inside the pyogrio and shapely wheels.

Why: Debian 12's system GDAL is 3.6, which Django 5.2 warns about (gis.W001), and mixing the
system GEOS with shapely's bundled GEOS puts two GEOS builds in one process. The wheels carry
GDAL 3.12 and GEOS 3.14; using them gives one GDAL/GEOS for geopandas, shapely and GeoDjango.
See docs/decisions.md. An explicit GDAL_LIBRARY_PATH / GEOS_LIBRARY_PATH in the environment wins.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


def _bundled_library(package: str, stem: str) -> str | None:
    pkg_dir = _package_dir(package)
    if pkg_dir is None:
        return None
    libs_dir = pkg_dir.parent / f"{package}.libs"
    matches = sorted(libs_dir.glob(f"{stem}-*.so*"))
    return str(matches[0]) if matches else None


def configure_geo_libraries() -> dict[str, str | None]:
    """Return GDAL_LIBRARY_PATH / GEOS_LIBRARY_PATH settings and set PROJ/GDAL data dirs."""
    gdal = os.environ.get("GDAL_LIBRARY_PATH") or _bundled_library("pyogrio", "libgdal")
    geos = os.environ.get("GEOS_LIBRARY_PATH") or _bundled_library("shapely", "libgeos_c")
    pyogrio_dir = _package_dir("pyogrio")
    if gdal and pyogrio_dir is not None and gdal.startswith(str(pyogrio_dir.parent)):
        # The bundled GDAL needs its own data files (proj.db, gdalvrt.xsd ...).
        os.environ.setdefault("PROJ_DATA", str(pyogrio_dir / "proj_data"))
        os.environ.setdefault("GDAL_DATA", str(pyogrio_dir / "gdal_data"))
    return {"GDAL_LIBRARY_PATH": gdal, "GEOS_LIBRARY_PATH": geos}
