"""The offline rule: nothing from the internet answered by a set time → stop the run as offline.

Only a run that includes the network's control sites may call the network offline: without
them, silence could be a block of exactly what was checked. With no connected interface at
all, such a run starts nothing (every check would fail at once anyway).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.core.model import Check, Role
from app.core.system import InterfaceSnapshot

CONTROL_ROLES = (Role.CONTROL_DOMESTIC, Role.CONTROL_INTERNATIONAL)


def no_interface(interfaces: InterfaceSnapshot) -> bool:
    """The interfaces could be read, and none is up with a usable address."""
    return interfaces.error is None and not interfaces.connected


@dataclass
class OfflineRule:
    """Decides once, at ``look_at``, whether the run stops as offline; then is disarmed."""

    after_s: float | None  # None: never stop early
    applies: bool  # the run includes control sites (and after_s is set)
    look_at: float | None  # time.monotonic() of the one look; None: nothing (more) to look at

    @classmethod
    def for_run(cls, checks: Iterable[Check], after_s: float | None, t0: float) -> OfflineRule:
        applies = after_s is not None and any(c.role in CONTROL_ROLES for c in checks)
        look_at = t0 + after_s if applies and after_s else None
        return cls(after_s=after_s, applies=applies, look_at=look_at)

    def offline_before_start(self, interfaces: InterfaceSnapshot) -> bool:
        """Nothing to send packets through, and the run could tell: start no check."""
        return self.applies and no_interface(interfaces)

    def offline_now(self, now: float, first_answer_at: float | None) -> bool:
        """At (or after) the look time: True when nothing has answered yet. Looks only once."""
        if self.look_at is None or now < self.look_at:
            return False
        self.look_at = None
        return first_answer_at is None

    def wake(self, deadline: float) -> float:
        """When the run must look again: the deadline, or the offline look if sooner."""
        return deadline if self.look_at is None else min(deadline, self.look_at)

    def why(self, interfaces: InterfaceSnapshot) -> str:
        """The detail recorded for each check a stop as offline left unfinished."""
        if no_interface(interfaces):
            return "stopped: no network interface is connected"
        return ("stopped: no host on the internet answered any check within "
                f"{self.after_s:g} s")
