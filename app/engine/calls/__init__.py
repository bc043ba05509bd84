"""Calls checks: plain UDP, a call-length flow, call-shaped packets, real WebRTC test calls.

Each module is one catalog kind run by the ordinary engine (app/engine/runner.py), so the
calls checks run concurrently with everything else. Keep this package's import light: the
catalog loader imports ``defaults`` and ``turn_url``; aiortc is imported only by the call
probes themselves.
"""
