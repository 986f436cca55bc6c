"""Kubernetes resource quantities ("250m", "1.5", "512Mi", "2G", "1e3") as exact numbers.

The one parser of the project: config/, charts/, `main.py check` and
`main.py diff` all read quantities here. Rendered YAML may come from
anywhere, so it accepts every form the API server accepts, not only the ones
config/ allows. The rules are resource.Quantity's, from
k8s.io/apimachinery/pkg/api/resource/quantity.go:

- the grammar: an optional sign, digits with an optional decimal point, then
  a binary suffix (Ki..Ei), a decimal one (n, u, m, "", k, M, G, T, P, E) or
  an exponent (e3, E-2); parseQuantityString reads a sign or a point with no
  digits at all ("-", ".") as zero, and so does this;
- UnmarshalJSON trims surrounding whitespace and reads null as zero;
- ParseQuantity rounds a non-zero value away from zero to a whole nano;
- MilliValue() and Value() round up, away from zero: the scheduler counts
  100u of CPU as 1m.
"""

from __future__ import annotations

import re
from decimal import ROUND_UP, Decimal, localcontext

_SUFFIXES = {
    "Ki": Decimal(2) ** 10,
    "Mi": Decimal(2) ** 20,
    "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40,
    "Pi": Decimal(2) ** 50,
    "Ei": Decimal(2) ** 60,
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
}
_QUANTITY = re.compile(r"([+-]?[0-9]*(?:\.[0-9]*)?)(?:[eE]([+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)")
_NANO = Decimal("1e-9")
# Enough digits that no quantity the API server holds (int64 at nano scale and beyond) is rounded.
_PRECISION = 80


class QuantityError(ValueError):
    pass


def parse(value: object) -> Decimal:
    """The quantity's value in base units (cores for CPU, bytes for memory), as the API server stores it."""
    if isinstance(value, bool):
        raise QuantityError(f"{value!r} is not a quantity")
    if value is None:
        return Decimal(0)
    text = str(value).strip()
    match = _QUANTITY.fullmatch(text)
    if not text or not match:
        raise QuantityError(f"{value!r} is not a quantity")
    number, exponent, suffix = match.groups()
    digits = number.lstrip("+-")
    with localcontext() as context:
        context.prec = _PRECISION
        try:
            base = Decimal(number if digits.strip(".") else "0")
            amount = base * (Decimal(10) ** int(exponent) if exponent else _SUFFIXES[suffix or ""])
            return amount.quantize(_NANO, rounding=ROUND_UP) if amount else Decimal(0)
        except ArithmeticError:  # decimal's InvalidOperation and Overflow: no quantity of that size
            raise QuantityError(f"{value!r} is not a quantity") from None


def _round_up(amount: Decimal) -> int:
    with localcontext() as context:
        context.prec = _PRECISION
        return int(amount.to_integral_value(rounding=ROUND_UP))


def cpu_millis(value: object) -> int:
    """CPU in millicores, rounded up as the scheduler does (MilliValue)."""
    return _round_up(parse(value) * 1000)


def memory_bytes(value: object) -> int:
    """Memory in bytes, rounded up (Value)."""
    return _round_up(parse(value))


def format_cpu(millis: int) -> str:
    return f"{millis}m" if millis % 1000 else f"{millis // 1000}"


def format_memory(size: int) -> str:
    for unit, factor in (("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if size and size % factor == 0:
            return f"{size // factor}{unit}"
    mebibytes = size / 2**20
    return f"{mebibytes:.1f}Mi"
