"""Rasterise resources/icons/app.svg into the icon files each platform's packaging wants.

Why at build time: the SVG is the one drawing we maintain; PNG/ICO/ICNS are derived, so they
are written to var/icons/ (not committed) by the PyInstaller spec and by make-dist.sh. Qt's own
SVG renderer does it, so no extra tool (Pillow, ImageMagick, iconutil) is needed anywhere.

ICO and ICNS both accept PNG-compressed images, so their containers are written here directly:
a few bytes of header plus the PNGs.

    python build/icons.py --out var/icons [--svg resources/icons/app.svg]
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SVG = ROOT / "resources" / "icons" / "app.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS entry types holding PNG data, by pixel size (Apple's "icns" format, PNG since 10.7).
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
              (b"ic09", 512), (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256),
              (b"ic14", 512))


def render_pngs(svg: Path, sizes: tuple[int, ...]) -> dict[int, bytes]:
    """PNG bytes of the SVG drawn at each size, on a transparent background."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(["icons"])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"icons: {svg} is not a valid SVG drawing")
    result: dict[int, bytes] = {}
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # str works
            raise SystemExit(f"icons: could not encode a {size}px PNG")
        buffer.close()
        result[size] = bytes(data.data())
    return result


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding PNG images (a 256 px entry is written with size byte 0)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return header + entries + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding PNG images."""
    body = b""
    for kind, size in ICNS_TYPES:
        data = pngs[size]
        body += kind + struct.pack(">I", 8 + len(data)) + data
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_icons(svg: Path, out: Path) -> list[Path]:
    if not svg.is_file():
        raise SystemExit(f"icons: the app icon drawing is missing: {svg}")
    pngs = render_pngs(svg, PNG_SIZES)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for size in (16, 32, 48, 64, 128, 256, 512):
        path = out / f"app-{size}.png"
        path.write_bytes(pngs[size])
        written.append(path)
    files = {
        "app.png": pngs[256],
        "app.ico": ico_bytes({s: pngs[s] for s in ICO_SIZES}),
        "app.icns": icns_bytes(pngs),
    }
    for name, data in files.items():
        path = out / name
        path.write_bytes(data)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--svg", type=Path, default=DEFAULT_SVG)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "icons")
    args = parser.parse_args(argv)
    for path in write_icons(args.svg, args.out):
        print(f"icons: wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
