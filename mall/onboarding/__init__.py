"""Onboarding, the .POST registration process's first two steps: a post applies for a
Community ID, and the operator verifies it (approve, reject with reasons, or ask for more)."""
