"""`main.py diff`: what a change to dist/ does to the cluster, with risk flags, for review.

load (objects by identity) -> compare and fields (matched pairs, field changes)
-> rules (risks) and summary (per workload) -> report -> render_text / render_md /
render_json. gitref reads dist/ at a git revision, cli wires it to main.py, and
comment posts the Markdown on a Gitea pull request.
"""
