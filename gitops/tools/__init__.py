"""Developer tooling around the pipeline: benchmarks, the offline schema builders, the reference docs."""
