#!/usr/bin/env bash
# Sign one Windows executable in place with osslsigncode (Authenticode, SHA-256).
# Used by `make sign-windows` (build/windows/make_dist.py --sign) for conncheck.exe,
# "Connection Check.exe", the uninstaller (NSIS !uninstfinalize) and the installer (!finalize).
#
#   CONNCHECK_SIGN_PFX       the certificate and key, PKCS#12 (.pfx/.p12)   [required]
#   CONNCHECK_SIGN_PASSWORD  its password (may be empty)
#   CONNCHECK_SIGN_TIMESTAMP an RFC 3161 timestamp server URL (optional; a real release
#                            should use one so the signature outlives the certificate)
set -euo pipefail
file="$1"
: "${CONNCHECK_SIGN_PFX:?set CONNCHECK_SIGN_PFX to a .pfx code-signing certificate}"
args=(sign -pkcs12 "$CONNCHECK_SIGN_PFX" -pass "${CONNCHECK_SIGN_PASSWORD:-}" -h sha256
      -n "Connection Check" -i "https://github.com/conncheck/conncheck")
if [ -n "${CONNCHECK_SIGN_TIMESTAMP:-}" ]; then args+=(-ts "$CONNCHECK_SIGN_TIMESTAMP"); fi
tmp="$file.signing"
rm -f "$tmp"
osslsigncode "${args[@]}" -in "$file" -out "$tmp" >/dev/null
mv -f "$tmp" "$file"
