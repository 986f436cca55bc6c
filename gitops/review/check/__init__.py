"""`main.py check`: a review gate on rendered Kubernetes YAML.

Schema validation says each object is well-formed; this says the objects
work together; what Kubernetes itself decides (pod templates, selectors,
budgets, probes, quantities) is read from gitops/k8s/. Modules, one concern each:

- context: loading a check set (an environment, or any YAML paths) and looking objects up
- registry: the gate's categories and rule registry (findings and severities: gitops/review/findings.py)
- routing, disruption, references, storage, hostports, sync: integrity rules
- pss, policy, pods: policy rules (pods: ephemeral storage, liveness); headroom: the capacity rule and headroom line
- waivers: the waive.gitops.myhoneydue.com/<rule-id> annotation and its own rules
- engine: runs every rule and applies waivers; report: text and JSON; cli: the command
"""
