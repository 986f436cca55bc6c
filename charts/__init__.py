"""cdk8s constructs for the honeyDue stack: one environment's config in, Kubernetes objects out."""
