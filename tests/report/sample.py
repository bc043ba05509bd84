"""A hand-built run and diagnosis for report tests: no network, no files.

The run carries every kind of identifying fact a real run can: an interface address, the
public address a STUN server saw, and raw error texts that mention this computer's name,
the user name and the local address — so privacy tests have something to catch.
"""

from __future__ import annotations

import datetime as dt
import getpass
import socket

from app.analysis.model import (
    Cause,
    CauseId,
    Diagnosis,
    FeatureResult,
    NetworkResult,
    NetworkStatus,
    ServiceResult,
    Verdict,
)
from app.core.facts import StunFacts
from app.core.run import RunResult
from app.core.system import Interface, InterfaceSnapshot
from tests.analysis.factory import fail, ok

LOCAL_ADDRESS = "192.168.77.23"
LOCAL_ADDRESS6 = "fd00:77::23"
MAPPED_ADDRESS = "198.51.100.77"
SERVER_ADDRESS = "157.240.205.60"
STARTED = dt.datetime(2026, 11, 20, 18, 4, tzinfo=dt.timezone(dt.timedelta(hours=3)))


def secrets() -> list[str]:
    """What no default report may contain."""
    return [LOCAL_ADDRESS, LOCAL_ADDRESS6, MAPPED_ADDRESS, socket.gethostname(),
            getpass.getuser()]


def run(*, cancelled: bool = False) -> RunResult:
    host, user = socket.gethostname(), getpass.getuser()
    observations = (
        ok("ctl-ya"),
        ok("ctl-wiki"),
        ok("captive"),
        ok("wa-e1-443", addresses=(SERVER_ADDRESS,), peer_address=SERVER_ADDRESS),
        fail("wa-web", "connection_reset", "tls",
             failure_detail=f"[Errno 104] reset while {host} ({LOCAL_ADDRESS}) read; "
                            f"see /home/{user}/log"),
        ok("tg-dc1"),
        fail("wa-relay", "generic_timeout_error", "udp",
             facts=StunFacts(rtt_ms=980.0, tries=3, mapped_address=f"{MAPPED_ADDRESS}:40123")),
        ok("tg-relay", facts=StunFacts(rtt_ms=41.5, tries=1,
                                       mapped_address=f"{MAPPED_ADDRESS}:40124"),
           timings_ms={"udp": 41.5}),
        ok("stun-google", facts=StunFacts(rtt_ms=12.0, tries=1, mapped_address=MAPPED_ADDRESS)),
        ok("maps-google"),
        ok("maps-yandex"),
    )
    interfaces = InterfaceSnapshot((
        Interface("wlan0", True, (LOCAL_ADDRESS, LOCAL_ADDRESS6), False),
        Interface("eth0", False, (), False),
    ))
    return RunResult(observations=observations, started_at=STARTED, duration_s=12.5,
                     interfaces=interfaces, cancelled=cancelled)


CALLS_BLOCKED = Cause(CauseId.UDP_BLOCKED, checks=("wa-relay",), services=("WhatsApp",))


def diagnosis() -> Diagnosis:
    """WhatsApp calls blocked, Telegram calls work; WhatsApp messages degraded; maps work."""
    return Diagnosis(
        network=NetworkResult(NetworkStatus.ONLINE),
        features=(
            FeatureResult("calls", Verdict.BLOCKED, (CALLS_BLOCKED,), (
                ServiceResult("WhatsApp", Verdict.BLOCKED, (CALLS_BLOCKED,)),
                ServiceResult("Telegram", Verdict.WORKS),
            )),
            FeatureResult("messages", Verdict.DEGRADED,
                          (Cause(CauseId.SNI_FILTERING, ("wa-web",), ("WhatsApp",)),), (
                ServiceResult("WhatsApp", Verdict.DEGRADED),
                ServiceResult("Telegram", Verdict.WORKS),
            )),
            FeatureResult("maps", Verdict.WORKS, (), (
                ServiceResult("Google Maps", Verdict.WORKS),
                ServiceResult("Yandex Maps", Verdict.WORKS),
            )),
        ),
        catalog_name="default",
        catalog_version="2026.11",
        date=STARTED.date(),
    )


def offline_diagnosis() -> Diagnosis:
    return Diagnosis(
        network=NetworkResult(NetworkStatus.OFFLINE, (Cause(CauseId.OFFLINE),)),
        features=tuple(
            FeatureResult(f, Verdict.UNAVAILABLE) for f in ("calls", "messages", "maps")
        ),
        date=STARTED.date(),
    )
