#!/usr/bin/env bash
# Build the documentation site into site/ (git ignores it) with warnings as errors: the guides
# in docs/, and the API reference made from the code at build time (tools/docs/).
#
#   bash scripts/docs.sh           # build into site/
#   bash scripts/docs.sh serve     # serve on http://127.0.0.1:8000, rebuilding on changes
set -euo pipefail
case "${1:-}" in
  "" | serve) ;;
  *) echo "docs.sh: unknown argument $1 (expected nothing or serve)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
bash scripts/setup.sh  # installs the `docs` extra too
export NO_MKDOCS_2_WARNING=1  # a notice Material prints on every build, not a warning
if [ "${1:-}" = serve ]; then
  exec .venv/bin/python -m mkdocs serve --strict
fi
.venv/bin/python -m mkdocs build --strict --site-dir site
echo "site built: site/index.html"
