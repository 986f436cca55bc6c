"""The reference pages under docs/reference/, generated from the code they describe.

A table that mirrors a registry is read from that registry, so it cannot go
stale: `make synth` and `make test` regenerate the pages and the freshness gate
fails on any page that differs from git.

- rules: the check rules and the diff risks, through one small interface (RuleDoc)
- config_keys: every config key from the pydantic models (path, type, default, meaning)
- modules: which module holds what, from each module's docstring
- layers: the layers the import contracts (.importlinter) enforce, as README.md and docs/layout.md draw them
- markdown: table cells and the generated-file header
- build: the pages and writing them (python -m gitops.tools.docs)

Nothing here imports cdk8s or jsii: generating the pages costs well under a synth.
"""
