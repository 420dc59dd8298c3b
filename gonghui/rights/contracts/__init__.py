"""Collective contracts (集体合同) under the Beijing Collective Contract Regulations: the
three scopes, the ratification vote, the filing and effect clocks, expiry reminders and
the coverage roll-up. See docs/rights.md."""
