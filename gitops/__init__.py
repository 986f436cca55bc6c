"""honeydue-gitops: everything around the constructs in charts/, in the direction data flows.

config/   config/<env>.yaml -> typed models (in)
charts/   (top level) models -> cdk8s constructs
render/   constructs -> dist/ (synth, YAML writer, SOPS files, inventory)
k8s/      reading manifests and Kubernetes semantics, shared by all
review/   dist/ -> verdicts: kubeconform, `check`, `diff`
tools/    benchmarks, schema builders, the generated reference docs (docs/reference/)
"""
