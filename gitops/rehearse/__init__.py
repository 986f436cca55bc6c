"""Cluster rehearsal: deliver a commit to a throwaway Kubernetes control plane and drill it.

What the cluster's state means (Ready, Available, which pods a selector picks, where a pod may run)
is Kubernetes' rule and comes from gitops/k8s; both engines implement engine.py's Protocol, and
every wait is poll.py's. It reads config (gitops/config) and check's capacity line
(gitops/review/check); the command line is gitops/cli/rehearse.py.
"""
