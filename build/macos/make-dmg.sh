#!/usr/bin/env bash
# macOS: sign (optional), package and notarize (optional) "Connection Check.app" as a .dmg.
# Run on a Mac after:  python -m PyInstaller --noconfirm --workpath var/pyinstaller-work \
#                          --distpath dist build/conncheck.spec
# which leaves dist/Connection Check.app (the BUNDLE step of the spec, darwin only).
#
# Environment (all optional; without them an unsigned .dmg is made, which Gatekeeper will
# only open through right-click > Open):
#   CONNCHECK_CODESIGN_IDENTITY  "Developer ID Application: Name (TEAMID)"
#   CONNCHECK_NOTARY_PROFILE     a keychain profile made once with
#                                xcrun notarytool store-credentials <profile> \
#                                    --apple-id <id> --team-id <TEAMID> --password <app-pw>
# Output: dist/conncheck-<version>-macos-<arch>.dmg
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' app/__init__.py)
ARCH=$(uname -m)
APP="dist/Connection Check.app"
DMG="dist/conncheck-$VERSION-macos-$ARCH.dmg"
IDENTITY=${CONNCHECK_CODESIGN_IDENTITY:-}
PROFILE=${CONNCHECK_NOTARY_PROFILE:-}
[ -d "$APP" ] || { echo "make-dmg: $APP not found; run PyInstaller first" >&2; exit 1; }

if [ -n "$IDENTITY" ]; then
    # Inside out: every library and the executable first, then the bundle, all with the
    # hardened runtime and a secure timestamp (both required by notarization).
    find "$APP/Contents" -type f \( -name '*.dylib' -o -name '*.so' -o -perm -u+x \) -print0 |
        xargs -0 codesign --force --timestamp --options runtime \
            --entitlements build/macos/entitlements.plist --sign "$IDENTITY"
    codesign --force --timestamp --options runtime \
        --entitlements build/macos/entitlements.plist --sign "$IDENTITY" "$APP"
    codesign --verify --deep --strict --verbose=2 "$APP"
fi

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "Connection Check" -srcfolder "$STAGE" -fs HFS+ -format UDZO \
    -imagekey zlib-level=9 -ov "$DMG"

if [ -n "$IDENTITY" ]; then
    codesign --force --timestamp --sign "$IDENTITY" "$DMG"
fi
if [ -n "$IDENTITY" ] && [ -n "$PROFILE" ]; then
    xcrun notarytool submit "$DMG" --keychain-profile "$PROFILE" --wait
    xcrun stapler staple "$DMG"
    spctl --assess --type open --context context:primary-signature --verbose "$DMG"
fi
echo "make-dmg: $(du -h "$DMG" | cut -f1)  $DMG"
