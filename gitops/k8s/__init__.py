"""Kubernetes as the project reads it: manifests, quantities, declarations, capacity.

Everything here answers a question about Kubernetes objects the way Kubernetes
would; the generator and both review tools use these modules rather than
keeping answers of their own.
"""
