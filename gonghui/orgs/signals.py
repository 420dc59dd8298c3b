"""Signals of the org tree for the caches built from it higher up (the apps below may
not import them)."""

from django.dispatch import Signal

# Sent inside the transaction of a bulk change of orgs (a move, paths filled after a
# bulk insert) that ``post_save`` does not report.
tree_changed = Signal()
