"""honeydue-gitops: config loading, synthesis output, validation and review tooling.

The constructs themselves live in charts/; this package is everything around
them that does not need cdk8s.
"""
