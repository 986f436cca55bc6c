"""Kubernetes quantities in every form the API server accepts, valued as resource.Quantity values them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gitops.k8s.quantities import QuantityError, cpu_millis, format_cpu, format_memory, memory_bytes, parse


@pytest.mark.parametrize(
    "text, millis",
    [("250m", 250), ("1", 1000), ("0.5", 500), ("1.5", 1500), (2, 2000), ("1e3", 1_000_000), ("100u", 1), ("0", 0)],
)
def test_cpu(text, millis):
    assert cpu_millis(text) == millis


@pytest.mark.parametrize(
    "text, size",
    [
        ("512Mi", 512 * 2**20),
        ("1Gi", 2**30),
        ("1G", 10**9),
        ("128974848", 128974848),
        ("129e6", 129_000_000),
        ("1k", 1000),
        ("1Ki", 1024),
    ],
)
def test_memory(text, size):
    assert memory_bytes(text) == size


@pytest.mark.parametrize("text", ["", "1 Gi", "1GB", True, "abc"])
def test_rejects_non_quantities(text):
    with pytest.raises(QuantityError):
        memory_bytes(text)


def test_formatting():
    assert (format_cpu(1500), format_cpu(2000)) == ("1500m", "2")
    assert (format_memory(2**30), format_memory(384 * 2**20), format_memory(1000)) == ("1Gi", "384Mi", "0.0Mi")


# Rows of TestQuantityParse in k8s.io/apimachinery/pkg/api/resource/quantity_test.go: (input, mantissa, exponent).
# The rows that overflow int64 (9Ei, 9223372036854775807Ki, capped there) are left out: no node has that memory.
UPSTREAM_PARSED = [
    ("0", 0, 0),
    ("0n", 0, 0),
    ("0Ki", 0, 0),
    ("0Ti", 0, 0),
    ("1", 1, 0),
    ("1Ki", 1024, 0),
    ("8Ki", 8 * 1024, 0),
    ("7Mi", 7 * 1024**2, 0),
    ("6Gi", 6 * 1024**3, 0),
    ("5Ti", 5 * 1024**4, 0),
    ("4Pi", 4 * 1024**5, 0),
    ("3Ei", 3 * 1024**6, 0),
    ("100Ti", 100 * 1024**4, 0),
    ("5n", 5, -9),
    ("4u", 4, -6),
    ("3m", 3, -3),
    ("9", 9, 0),
    ("8k", 8, 3),
    ("50k", 5, 4),
    ("7M", 7, 6),
    ("6G", 6, 9),
    ("5T", 5, 12),
    ("40T", 4, 13),
    ("300T", 3, 14),
    ("2P", 2, 15),
    ("1E", 1, 18),
    ("1E-3", 1, -3),
    ("1e3", 1, 3),
    ("1E6", 1, 6),
    ("1e9", 1, 9),
    ("1E12", 1, 12),
    ("1e15", 1, 15),
    ("1E18", 1, 18),
    ("1e14", 1, 14),
    ("100.035k", 100035, 0),
    ("0.001", 1, -3),
    ("0.0005k", 5, -1),
    ("0.005", 5, -3),
    ("0.05", 5, -2),
    ("0.5", 5, -1),
    ("0.00050k", 5, -1),
    ("0.00500", 5, -3),
    ("0.5e0", 5, -1),
    ("0.5e-1", 5, -2),
    ("0.5e-2", 5, -3),
    ("10.035M", 10035, 3),
    ("1.2e3", 12, 2),
    ("1.3E+6", 13, 5),
    ("1.40e9", 14, 8),
    ("1.53E12", 153, 10),
    ("1.6e15", 16, 14),
    ("1.7E18", 17, 17),
    ("9.01", 901, -2),
    ("8.1k", 81, 2),
    ("7.123456M", 7123456, 0),
    ("6.987654321G", 6987654321, 0),
    ("5.444T", 5444, 9),
    ("40.1T", 401, 11),
    ("300.2T", 3002, 11),
    ("2.5P", 25, 14),
    ("1.01E", 101, 16),
    ("12E", 12, 18),
    # Things that saturate/round: up to a whole nano, away from zero.
    ("3.001n", 4, -9),
    ("1.1E-9", 2, -9),
    ("0.0000000001", 1, -9),
    ("0.0000000005", 1, -9),
    ("0.5e-9", 1, -9),
    ("0.9n", 1, -9),
    ("0.00000012345", 124, -9),
    ("0.00000012354", 124, -9),
    ("100.035Ki", 10243584, -2),
    ("0.5Mi", 512 * 1024, 0),
    ("0.05Gi", 536870912, -1),
    ("0.025Ti", 274877906944, -1),
    # "Things written by trolls".
    ("0.000000000001Ki", 2, -9),
    (".001", 1, -3),
    (".0001k", 100, -3),
    ("1.", 1, 0),
    ("1.G", 1, 9),
]


@pytest.mark.parametrize("text, mantissa, exponent", UPSTREAM_PARSED)
def test_upstream_parse_rows(text, mantissa, exponent):
    expected = Decimal(mantissa).scaleb(exponent)
    assert parse(text) == expected
    assert parse("+" + text) == expected
    assert parse("-" + text) == -expected


# The invalid rows of the same test; its " 1" and "1 " are left out because the API server reads
# quantities through Quantity.UnmarshalJSON, which trims whitespace first.
@pytest.mark.parametrize("text", ["1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-"])
def test_upstream_invalid_rows(text):
    with pytest.raises(QuantityError):
        parse(text)


def test_json_reading_trims_whitespace_and_reads_null_as_zero():
    assert parse(" 250m ") == Decimal("0.25")
    assert parse(None) == 0


def test_a_sign_or_point_without_digits_is_zero_as_parseQuantityString_reads_it():
    # TestParseQuantityString's rows "." and "-.": the numerator defaults to "0".
    assert [parse(text) for text in (".", "-.", "+", "-")] == [0, 0, 0, 0]
    # The same scanner leaves a bare suffix with no number at all: ParseQuantity reads "Gi" as zero too.
    assert parse("Gi") == 0


def test_millis_and_bytes_round_up_away_from_zero():
    assert (cpu_millis("0.1m"), cpu_millis("1n"), cpu_millis("-0.5m")) == (1, 1, -1)
    assert memory_bytes("0.5") == 1
