#!/usr/bin/env bash
# make dist (Linux): the one-folder app, a tarball of it and a .deb, all under dist/.
#
#   dist/conncheck/                                 the onedir (build/freeze.py; reused if current)
#   dist/conncheck-<version>-linux-x86_64.tar.gz    onedir + .desktop + icon + install.sh
#   dist/conncheck-<version>-linux-x86_64.tar.xz    the same archive, xz (smaller download)
#   dist/conncheck_<version>_amd64.deb              /opt/conncheck, /usr/bin/conncheck, menu entry
#
# Reproducible: every timestamp is SOURCE_DATE_EPOCH (the last commit's time), entries are sorted,
# owners are 0/0, gzip stores no name or time. Same lock + same sources -> same file names and,
# given the same PyInstaller output, the same bytes.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
export LC_ALL=C.UTF-8 TZ=UTC
umask 022

VERSION=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' app/__init__.py)
[ -n "$VERSION" ] || { echo "make-dist: no __version__ in app/__init__.py" >&2; exit 1; }
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || echo 0)
fi
export SOURCE_DATE_EPOCH
ARCH_DEB=amd64
ARCH=x86_64
STAGE=$ROOT/var/dist-stage
ONEDIR=$ROOT/dist/conncheck
TARBALL=$ROOT/dist/conncheck-$VERSION-linux-$ARCH.tar.gz
TARBALL_XZ=$ROOT/dist/conncheck-$VERSION-linux-$ARCH.tar.xz
DEB=$ROOT/dist/conncheck_${VERSION}_${ARCH_DEB}.deb

# One make-dist at a time (the tests, the benchmark and a developer may all call it).
mkdir -p var
exec 9>var/make-dist.lock
flock 9

"$PYTHON" build/freeze.py >/dev/null
"$PYTHON" build/icons.py --out var/icons 2>/dev/null
rm -rf "$STAGE"
mkdir -p "$STAGE"

normalize() {  # fixed permissions and timestamps for everything under $1
    chmod -R u+rwX,go+rX,go-w "$1"
    find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

desktop_file() {  # $1 = Exec value, $2 = Icon value
    sed -e "s|@EXEC@|$1|" -e "s|@ICON@|$2|" build/linux/conncheck.desktop.in
}

# --- tarball -----------------------------------------------------------------------------
TOP=conncheck-$VERSION
mkdir -p "$STAGE/tar/$TOP"
cp -a "$ONEDIR/." "$STAGE/tar/$TOP/"
desktop_file conncheck conncheck > "$STAGE/tar/$TOP/conncheck.desktop"
cp var/icons/app-256.png "$STAGE/tar/$TOP/conncheck.png"
cp build/linux/install.sh "$STAGE/tar/$TOP/install.sh"
normalize "$STAGE/tar"
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
    --format=gnu -C "$STAGE/tar" -cf "$STAGE/app.tar" "$TOP"
gzip -n -9 < "$STAGE/app.tar" > "$TARBALL.tmp"
mv "$TARBALL.tmp" "$TARBALL"
# The same archive as .tar.xz: ~25% smaller (the WebRTC/ffmpeg libraries compress well with
# xz), which keeps the download within budget for people on slow connections.
xz -6 -T2 -c < "$STAGE/app.tar" > "$TARBALL_XZ.tmp"
mv "$TARBALL_XZ.tmp" "$TARBALL_XZ"
rm -f "$STAGE/app.tar"

# --- .deb --------------------------------------------------------------------------------
PKG=$STAGE/deb
mkdir -p "$PKG/DEBIAN" "$PKG/opt/conncheck" "$PKG/usr/bin" "$PKG/usr/share/applications" \
    "$PKG/usr/share/doc/conncheck"
cp -a "$ONEDIR/." "$PKG/opt/conncheck/"
ln -s /opt/conncheck/conncheck "$PKG/usr/bin/conncheck"
desktop_file /opt/conncheck/conncheck conncheck > "$PKG/usr/share/applications/conncheck.desktop"
for size in 16 32 48 64 128 256 512; do
    dir=$PKG/usr/share/icons/hicolor/${size}x${size}/apps
    mkdir -p "$dir"
    cp "var/icons/app-$size.png" "$dir/conncheck.png"
done
mkdir -p "$PKG/usr/share/icons/hicolor/scalable/apps"
cp resources/icons/app.svg "$PKG/usr/share/icons/hicolor/scalable/apps/conncheck.svg"
cat > "$PKG/usr/share/doc/conncheck/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: conncheck
Files: *
License: GPL-3.0-or-later
Comment: /opt/conncheck bundles Python, Qt (LGPL-3.0) via PySide6, and their dependencies.
EOF

# The newest glibc symbol any bundled binary uses is the oldest libc6 the package can run on.
GLIBC=$(find "$PKG/opt/conncheck" -type f \( -name '*.so*' -o -name conncheck \) \
        -exec objdump -T {} + 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' \
        | sort -uV | tail -1)
INSTALLED_KB=$(du -sk --exclude=DEBIAN "$PKG" | cut -f1)
cat > "$PKG/DEBIAN/control" <<EOF
Package: conncheck
Version: $VERSION
Architecture: $ARCH_DEB
Maintainer: Connection Check developers <conncheck@localhost>
Installed-Size: $INSTALLED_KB
Depends: libc6 (>= ${GLIBC:-2.31}), libegl1, libgl1, libxcb1, libxcb-icccm4, libxcb-keysyms1, libfontconfig1, fonts-dejavu-core | fonts-noto-core
Recommends: libwayland-client0, libwayland-cursor0
Section: net
Priority: optional
Homepage: https://example.invalid/conncheck
Description: are calls, messages and maps blocked on this network?
 Connection Check («Проверка связи») tells in plain words whether calls,
 messages and maps work on the network you are using, and what to do
 instead when they are blocked. Russian and English.
 .
 The program is installed in /opt/conncheck with its own Python and Qt.
EOF
normalize "$PKG"
# xz, dpkg's default: the .deb is what apt users download, and xz makes it ~25% smaller than
# gzip (the WebRTC/ffmpeg libraries of the call test compress well with xz).
dpkg-deb --root-owner-group -Zxz -z6 --threads-max=2 --build "$PKG" "$DEB.tmp" >/dev/null \
    2>/dev/null || dpkg-deb --root-owner-group -Zxz -z6 --build "$PKG" "$DEB.tmp" >/dev/null
mv "$DEB.tmp" "$DEB"
rm -rf "$STAGE"  # two copies of the onedir; the packages are what we keep

echo "make-dist: $(du -sh "$ONEDIR" | cut -f1)  $ONEDIR"
for f in "$TARBALL" "$DEB"; do
    echo "make-dist: $(du -h "$f" | cut -f1)  $f"
done
