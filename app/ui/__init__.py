"""The PySide6 window. Presents what app/analysis decided and app/knowledge worded; runs the
engine on its own thread (app/ui/bridge.py) and does no network I/O itself."""
