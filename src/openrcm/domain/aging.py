"""Aging buckets: how old an open balance is, in the industry's 30-day bands."""

from __future__ import annotations

AGING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-120", 91, 120),
    ("120+", 121, None),
)


def bucket_of(days: int) -> str:
    """The bucket name for a balance `days` old (negative ages count as current)."""
    for name, low, high in AGING_BUCKETS:
        if days >= low and (high is None or days <= high):
            return name
    return AGING_BUCKETS[0][0]
