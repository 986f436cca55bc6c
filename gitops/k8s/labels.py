"""Kubernetes' recommended label keys (app.kubernetes.io/*, "Recommended Labels" in the Kubernetes docs).

charts/naming.py decides the values; the declarations reader
(gitops/k8s/declared.py) finds its ConfigMap by the component key.
"""

from __future__ import annotations

NAME = "app.kubernetes.io/name"
INSTANCE = "app.kubernetes.io/instance"
COMPONENT = "app.kubernetes.io/component"
PART_OF = "app.kubernetes.io/part-of"
VERSION = "app.kubernetes.io/version"
MANAGED_BY = "app.kubernetes.io/managed-by"
