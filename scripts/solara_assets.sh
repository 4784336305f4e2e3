#!/usr/bin/env bash
# Put the browser assets of the app's page into Solara's asset cache, from the npm registry.
#
#   bash scripts/solara_assets.sh [PYTHON]     (PYTHON defaults to .venv/bin/python)
#
# Why: a Solara page loads its JavaScript and CSS through the Solara server, which fetches
# each file once from a public CDN and caches it. Where the machine reaches package
# registries but not that CDN, the page stays blank. The same files are the contents of
# npm packages, so `npm pack` brings them through the npm registry instead. Idempotent:
# a package already in the cache is left alone. Needs node and npm.
#
# The versions are the ones Solara's page template names (solara 1.64 with the Vuetify 2
# widgets that Mesa 3.3 needs); pyproject.toml pins both so that they stay in step.
set -euo pipefail

PACKAGES=(
    "@widgetti/solara-vuetify-app@10.1.1"
    "@widgetti/vue-grid-layout@2.3.13-alpha.2"
    "requirejs@2.3.6"
    "font-awesome@4.5.0"
)

PYTHON="${1:-.venv/bin/python}"
CACHE="$("$PYTHON" -c 'import solara.server.settings as s; print(s.assets.proxy_cache_dir)')"
command -v npm >/dev/null || { echo "solara_assets.sh: npm not found (install Node.js and npm)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for spec in "${PACKAGES[@]}"; do
    target="$CACHE/$spec"
    [[ -f "$target/package.json" ]] && continue
    tarball="$(cd "$work" && npm pack --silent "$spec" | tail -n 1)"
    mkdir -p "$target.partial"
    tar -xzf "$work/$tarball" --strip-components=1 -C "$target.partial"
    rm -rf "$target"
    mv "$target.partial" "$target"
    echo "solara_assets.sh: $spec -> $target"
done
