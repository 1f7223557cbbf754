"""A transition helper for state machines.

Each lifecycle declares its legal moves as a table in its app's ``states.py``::

    ORDER_TRANSITIONS = TransitionTable({
        OrderStatus.NEW: {OrderStatus.PAID, OrderStatus.CANCELLED},
        OrderStatus.PAID: {OrderStatus.PROVISIONED},
    })

and its service calls ``table.check(current, target)`` under a row lock before saving.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from seatwise.core.errors import InvalidTransitionError

S = TypeVar("S", bound=str)


@dataclass(frozen=True)
class TransitionTable(Generic[S]):
    moves: Mapping[S, Iterable[S]]
    _frozen: dict[S, frozenset[S]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "_frozen", {src: frozenset(dst) for src, dst in self.moves.items()}
        )

    def allowed(self, current: S) -> frozenset[S]:
        return self._frozen.get(current, frozenset())

    def can(self, current: S, target: S) -> bool:
        return target in self.allowed(current)

    def check(self, current: S, target: S) -> None:
        if not self.can(current, target):
            raise InvalidTransitionError(
                f"Cannot change status from {current} to {target}.",
                details={"from": str(current), "to": str(target)},
            )

    def is_final(self, state: S) -> bool:
        return not self.allowed(state)
