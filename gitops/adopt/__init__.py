"""The cutover from hand-written manifests: what taking over a running cluster does, object by object.

source.py reads what the operator has (a manifest directory or an export), ours.py what dist/ will
apply, planner.py the plan (every rule from gitops/k8s, every consequence shown on the rehearsal's
control plane), steps.py the ordered steps with their rollback, render.py the three formats.
`main.py adopt` prints it; `main.py rehearse --adopt` holds a real cluster to it.
"""
