"""`main.py synth --watch`: synthesize on every change and print what it does against HEAD.

changes (what changed on disk, by polling) -> loop (synth through warm
workers, then the review) -> review (dist/ at HEAD against dist/ now,
as `main.py diff` prints it).
"""
