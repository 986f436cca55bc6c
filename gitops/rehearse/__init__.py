"""Cluster rehearsal: deliver a commit to a throwaway Kubernetes control plane and drill it.

Everything the rehearsal needs from the rest of the project goes through project.py.
"""
