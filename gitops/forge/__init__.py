"""The pull request on the forge (Gitea): the one review comment, posted once and edited in place.

Above review (it posts what review renders), beside the rehearsal; the command is
`main.py comment` (gitops/cli/comment.py).
"""
