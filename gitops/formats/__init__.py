"""File formats below every stage: the project's one YAML style, SOPS-encrypted files, and Markdown.

Markdown as a forge renders it: the pull-request comment's writers, size budget and render check.

Rendering writes them and the review tools read them back, so they sit under both: charts/,
gitops/render and gitops/review all import from here, and this package imports nothing of theirs.
"""
