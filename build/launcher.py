"""The frozen program's entry point: PyInstaller needs a script, the app is a package."""

import sys

from app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
