"""Shipping builds: per-environment images set by the app's CI, and promotion with a proof of parity.

builds (a reference or a version, checked by config's grammar) -> edit (one line of config/<env>.yaml,
in place) -> change (under dist/'s lock: edit, render, review against HEAD, commit) -> setimage and
promote; history (which build an environment ran when, from dist/ in git) and parity (prod's change
equals staging's, beside what each environment sets for itself) prove a promotion, and detect finds
the promotions in any change for `main.py diff`. docs/shipping.md.
"""
