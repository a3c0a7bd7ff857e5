"""Case severities P1 (most urgent) to P5, with the names and meanings customers see."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """How badly an issue affects the customer; P1 is the most urgent.

    The value is the code stored and sent over the API ("P1" .. "P5"), so
    string order is also urgency order: ``Severity.P1 < Severity.P2``.
    """

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    P5 = "P5"

    @property
    def label(self) -> str:
        """Short name shown next to the code, e.g. "Critical"."""
        return _LABELS[self]

    @property
    def definition(self) -> str:
        """What qualifies an issue for this severity, in a sentence or two."""
        return _DEFINITIONS[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        """Read a severity code such as "P1" or "p3" (surrounding spaces ignored).

        Raises ValueError naming the accepted codes for anything else.
        """
        if isinstance(value, str):
            code = value.strip().upper()
            if code in cls._value2member_map_:
                return cls(code)
        expected = ", ".join(member.value for member in cls)
        raise ValueError(f"Unknown severity {value!r}: expected one of {expected}.")


_LABELS: dict[Severity, str] = {
    Severity.P1: "Critical",
    Severity.P2: "High",
    Severity.P3: "Medium",
    Severity.P4: "Low",
    Severity.P5: "Enhancement",
}

_DEFINITIONS: dict[Severity, str] = {
    Severity.P1: (
        "Your systems are down across the organisation, a mission-critical application "
        "cannot be used, a server will not start, or data has been lost or damaged beyond "
        "repair, and nothing you can do gets you running again."
    ),
    Severity.P2: (
        "A feature that the documentation promises cannot be installed or used, or you are "
        "seriously held back from using the software for an important job. A stopgap may "
        "keep you going while we work on a proper fix."
    ),
    Severity.P3: (
        "Part of the software is not working or some tasks are harder than they should be, "
        "but the problem is not critical and you can keep working."
    ),
    Severity.P4: (
        "A cosmetic flaw, a mistake in the documentation, or a general question about how "
        "to use the product."
    ),
    Severity.P5: "An idea for a new capability or a change to how the product works.",
}
