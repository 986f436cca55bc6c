"""IntOrString fields that hold a count or a percentage (maxSurge, maxUnavailable, minAvailable).

From k8s.io/apimachinery: a percentage is what IsValidPercent accepts,
"[0-9]+%" (pkg/util/validation/validation.go), and GetScaledValueFromIntOrPercent
(pkg/util/intstr/intstr.go) scales it by a total with float64 arithmetic,
rounding up or down as the caller asks.
"""

from __future__ import annotations

import math
import re
from typing import TypeGuard

_PERCENT = re.compile(r"[0-9]+%")


def percent(value: object) -> int | None:
    """The number of a valid percentage ("25%" -> 25); None for anything else."""
    if isinstance(value, str) and _PERCENT.fullmatch(value):
        return int(value[:-1])
    return None


def is_count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def scaled(value: object, total: int, *, round_up: bool) -> int:
    """An int as it is; a valid percentage of total, rounded as asked (the same float64 steps as the Go code).

    Anything else is a value the API server refuses, which callers rule out first."""
    if is_count(value):
        return value
    number = percent(value)
    if number is None:
        raise ValueError(f"{value!r} is neither a count nor a percentage")
    share = float(number) * float(total) / 100
    return int(math.ceil(share) if round_up else math.floor(share))
