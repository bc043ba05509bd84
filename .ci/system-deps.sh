#!/usr/bin/env bash
# Install the Debian packages the tests need. As root: apt-get installs what is missing.
# Otherwise: fail with a clear list of what is missing and how to install it.
set -euo pipefail
missing=()
for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "make test needs these Debian packages, which are not installed:" >&2
    echo "    ${missing[*]}" >&2
    echo "Install them with:  sudo apt-get install ${missing[*]}" >&2
    echo "(or run make test as root, which installs them itself)" >&2
    exit 1
fi
echo "Installing system packages for the tests: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# coturn is installed as a service; the lab starts its own instances, never the system one.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now coturn >/dev/null 2>&1 || true; fi
