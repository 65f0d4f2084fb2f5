#!/usr/bin/env bash
# Known-vulnerability audit of every package installed in .venv (direct and transitive), with pip-audit.
# pip-audit runs from its own venv so its dependencies never mix with the product's. --strict: a package
# that could not be looked up fails the audit instead of being skipped (a silent pass is worse than none).
# It needs the PyPI JSON API per release (https://pypi.org/pypi/<name>/<version>/json) or api.osv.dev.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
if [ ! -x .run/audit-venv/bin/pip-audit ]; then
  python3 -m venv .run/audit-venv
  .run/audit-venv/bin/pip install -q pip-audit==2.10.1
fi
site_packages=$(.venv/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
exec .run/audit-venv/bin/pip-audit --path "$site_packages" --strict --progress-spinner off "$@"
