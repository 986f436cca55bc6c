"""Judging dist/: schema validation (kubeconform), the review gate (check), the change summary (diff)."""
