"""Support tiers that an organisation's agreement can grant."""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    """The level of support an agreement buys; the value is the stored code."""

    BASE = "base"
    GOLD = "gold"

    @property
    def label(self) -> str:
        """Name shown to people, e.g. "Gold"."""
        return _LABELS[self]

    @classmethod
    def parse(cls, value: str) -> Tier:
        """Read a tier code such as "gold" or "Base" (surrounding spaces ignored).

        Raises ValueError naming the accepted codes for anything else.
        """
        if isinstance(value, str):
            code = value.strip().lower()
            if code in cls._value2member_map_:
                return cls(code)
        expected = ", ".join(member.value for member in cls)
        raise ValueError(f"Unknown support tier {value!r}: expected one of {expected}.")


_LABELS: dict[Tier, str] = {
    Tier.BASE: "Base",
    Tier.GOLD: "Gold",
}
