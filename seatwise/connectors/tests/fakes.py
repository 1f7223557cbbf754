"""Stand-ins for the Microsoft connector in tests (the outside world is faked, never the
database)."""

from __future__ import annotations

from seatwise.connectors.exceptions import ConnectorUnavailable


class UnavailableConnector:
    """Partner Center is down: every call fails."""

    calls = 0

    def domain_available(self, *, prefix: str) -> bool:
        type(self).calls += 1
        raise ConnectorUnavailable("Partner Center did not answer.")

    def domain_reserve(self, *, prefix: str) -> None:
        raise ConnectorUnavailable("Partner Center did not answer.")


class CountingConnector:
    """Answers from a fixed set of taken names and counts the lookups."""

    def __init__(self, taken=()):
        self.taken = {name.lower() for name in taken}
        self.asked: list[str] = []
        self.reserved: list[str] = []

    def domain_available(self, *, prefix: str) -> bool:
        self.asked.append(prefix)
        return prefix.lower() not in self.taken

    def domain_reserve(self, *, prefix: str) -> None:
        self.reserved.append(prefix)
        self.taken.add(prefix.lower())
