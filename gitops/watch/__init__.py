"""What `main.py synth --watch` needs below the command line: what changed on disk, and the review against HEAD.

changes (what changed on disk, by polling) and review (dist/ at HEAD against dist/ now, as
`main.py diff` prints it); the loop that synthesizes on every save is gitops/cli/watch.py.
"""
