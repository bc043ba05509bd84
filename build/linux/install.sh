#!/bin/sh
# Put Connection Check in your menu without root: run from the unpacked folder.
#   ./install.sh            link ~/.local/bin/conncheck, add a menu entry and an icon
#   ./install.sh --remove   take them away again (the folder itself stays where it is)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
bin=$HOME/.local/bin
desktop=$data/applications/conncheck.desktop
icon=$data/icons/hicolor/256x256/apps/conncheck.png
if [ "${1:-}" = "--remove" ]; then
    rm -f "$bin/conncheck" "$desktop" "$icon"
    echo "Removed the menu entry and $bin/conncheck."
    exit 0
fi
mkdir -p "$bin" "$(dirname "$desktop")" "$(dirname "$icon")"
ln -sf "$here/conncheck" "$bin/conncheck"
cp "$here/conncheck.png" "$icon"
sed -e "s|^Exec=.*|Exec=$here/conncheck|" -e "s|^Icon=.*|Icon=conncheck|" \
    "$here/conncheck.desktop" > "$desktop"
echo "Installed: menu entry 'Connection Check', command $bin/conncheck"
