"""Which function runs which kind of check. The engine looks probes up here only.

The call kinds (udp, call_flow, turn_call, echo_call, call_shapes) live in app/engine/calls/
and are added to this table where that package is wired in.
"""

from __future__ import annotations

from app.core.model import Kind
from app.engine.calls import call_flow, call_shapes, echo_call, turn_call, udp_echo
from app.engine.context import ProbeFn
from app.engine.probes import dns, doh, http, https, stun, tcp, tls

PROBES: dict[Kind, ProbeFn] = {
    Kind.DNS: dns.run,
    Kind.DOH: doh.run,
    Kind.TCP: tcp.run,
    Kind.TLS: tls.run,
    Kind.HTTPS: https.run,
    Kind.HTTP: http.run,
    Kind.STUN: stun.run,
    Kind.UDP_ECHO: udp_echo.run,
    Kind.CALL_FLOW: call_flow.run,
    Kind.TURN_CALL: turn_call.run,
    Kind.ECHO_CALL: echo_call.run,
    Kind.CALL_SHAPES: call_shapes.run,
}
