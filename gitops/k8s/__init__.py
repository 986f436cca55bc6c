"""Kubernetes as the project reads it, one module per concept.

Everything here answers a question about Kubernetes objects the way Kubernetes
would, with the Kubernetes source each answer comes from cited in the module;
charts/, `main.py check`, `main.py diff`, the rehearsal, capacity and the inventory
use these modules rather than keeping answers of their own:

- manifests: reading YAML back; declared: the declarations ConfigMap; rest: resource names, scope and API paths
- listkeys: how the items of a list are told apart (the OpenAPI's list-map and patch-merge keys)
- workloads: pod templates, containers, replica counts, the kinds that run pods
- selectors: label selectors; placement: node pinning, spread and well-known node labels; labels: recommended keys
- status: a live object's conditions, readiness and availability (the rehearsal reads the cluster with it)
- budgets: PodDisruptionBudget validation and allowed evictions; intstr: counts or percentages
- probes: probe defaults and windows; rollout: what replacing a workload's pods does
- quantities: resource quantities; capacity: requests against nodes; storage: node-bound volumes, who owns their files
- references: the Secrets, ConfigMaps and keys a pod needs before it starts; images: image references
- helmcharts: the values a k3s HelmChartConfig passes to its chart
- podsecurity: Pod Security admission's labels, levels and restricted profile (and its refusal's words)
- immutable: updates the API server refuses, and what an engine's force makes of them
- ownership: field managers, what wrote an object, Flux's hand-over of kubectl's fields, refused one-ofs
- live: a running object's server-set fields, and the objects the cluster made itself
- networkpolicies: which pods policies isolate, what they admit and where isolated pods may connect
- servicedns: a Service's DNS names, and which Service a host name names
"""
