"""What the fixer answers: a :class:`Proposal` (an order the checker accepts, or
why none exists) made of the :class:`Change` values that got it there.

Both are re-exported by :mod:`rules.fixer.propose` and :mod:`rules`; :func:`show` is how
the fixer writes a decimal for people, in a change and in a reason.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from rules.checker.violations import Violation
from rules.model.frozen import FrozenJson, thaw
from rules.model.numbers import UNBOUNDED, to_plain_string

__all__ = ["Change", "Proposal", "show", "wire_value"]


@attrs.frozen
class Change:
    """One value the fixer moved, and why.

    Attributes:
        field: the ``order.place`` parameter (``"price"``, ``"quantity"``, ...).
        old: the value before this move: as sent (with its own places) for a
            field's first change, else the ``new`` of the change before.
            For a removed parameter, its value as sent (any JSON value).
        new: the value proposed, with the places it is sent with: the last
            change of a field is exactly what :meth:`Proposal.params` holds
            (``format(change.new, "f") == proposal.params()[change.field]``).
            ``None`` when the parameter is removed: a name ``order.place``
            does not read (``-1104``, D52) is never dropped silently.
        filter_type: the filter that made it move, when one did
            (``"PRICE_FILTER"``, ``"NOTIONAL"``, ...).
        why: one line for people.
        leg: for an order list (D45), the leg the parameter belongs to
            (``"above"``, ``"working"``, ...; ``field`` is then the request's
            name, ``"abovePrice"``); ``None`` for a parameter the legs share
            (``quantity``), the list's own, or a single order.
    """

    field: str
    old: Any
    new: Decimal | None
    filter_type: str | None
    why: str
    leg: str | None = None

    @property
    def removed(self) -> bool:
        """Whether the parameter is removed (``new`` is ``None``), not moved."""
        return self.new is None

    def __str__(self) -> str:
        # Both as plain strings with their own places: "new" as it goes on the wire.
        field = self.field if self.leg is None else f"{self.field} (leg {self.leg})"
        if self.new is None:
            return f"{field} {wire_value(self.old)} removed: {self.why}"
        return f"{field} {to_plain_string(self.old)} -> {to_plain_string(self.new)}: {self.why}"


def wire_value(value: object) -> object:
    """A sent value as JSON shows it: a ``Decimal`` as its plain string, the rest as is."""
    return to_plain_string(value) if isinstance(value, Decimal) else value


@attrs.frozen
class Proposal:
    """What :func:`propose` answers: an order the checker accepts, or why none exists.

    Attributes:
        order: the ``order.place`` params to send, or ``None`` when no
            passing order exists. Every parameter is as given, except the
            numbers: one the fixer moved is a plain decimal string with the
            grid's places (:func:`~rules.fixer.rounding.format_on_step`), with a
            :class:`Change` for it; one it did not move is left as sent (a
            string byte for byte, a number as its plain decimal string).
        changes: what moved and why (empty when the order already passed).
        reason: why no passing order exists, or ``None`` when there is one.
        violations: the checker's violations that stand in the way (empty
            when there is an order).
        unchecked: rules the checker could not evaluate for lack of context
            (D18, D15, ...): the order passed everything else, not these.
    """

    order: FrozenJson | None
    changes: tuple[Change, ...] = ()
    reason: str | None = None
    violations: tuple[Violation, ...] = ()
    unchecked: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        """Whether there is an order to send."""
        return self.order is not None

    def __bool__(self) -> bool:
        return self.accepted

    def params(self) -> dict[str, Any]:
        """The proposed params as a plain ``dict``, ready to send.

        Raises:
            ValueError: there is no order (read :attr:`reason`).
        """
        if self.order is None:
            raise ValueError(f"no passing order: {self.reason}")
        result: dict[str, Any] = thaw(self.order)
        return result


def show(value: Decimal) -> str:
    # For people: plain, without trailing zeros ("0.01000000" reads "0.01").
    return format(UNBOUNDED.normalize(value), "f")
