"""Cluster rehearsal: deliver a commit to a throwaway Kubernetes control plane and drill it.

It reads config (gitops/config), Kubernetes' rules (gitops/k8s) and check's capacity line
(gitops/review/check); the command line is gitops/cli/rehearse.py.
"""
