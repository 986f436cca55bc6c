"""File formats below every stage: the project's one YAML style, and SOPS-encrypted files.

Rendering writes them and the review tools read them back, so they sit under both: charts/,
gitops/render and gitops/review all import from here, and this package imports nothing of theirs.
"""
