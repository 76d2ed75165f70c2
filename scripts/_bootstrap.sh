# Sourced by the scripts: makes `uv` available (installs it from the package index if missing)
# and syncs the workspace from the lock file.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export GOOGLE_API_USE_CLIENT_CERTIFICATE=false NO_GCE_CHECK=True
export FASTMCP_CHECK_FOR_UPDATES=off FASTMCP_SHOW_SERVER_BANNER=false
if ! command -v uv >/dev/null 2>&1; then
  echo "uv not found: installing it from the package index" >&2
  python3 -m pip install --quiet --disable-pip-version-check uv >&2 \
    || python3 -m pip install --quiet --user --disable-pip-version-check uv >&2
  export PATH="$HOME/.local/bin:$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
fi
uv sync --locked --all-packages --all-groups --quiet
