"""Judging dist/: schema validation (kubeconform), the review gate (check), the change summary (diff).

check and diff share findings.py: one severity scale, one finding type, one rule registry shape.
"""
