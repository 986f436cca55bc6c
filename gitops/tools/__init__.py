"""Developer tooling around the pipeline: benchmarks and the offline schema builders."""
