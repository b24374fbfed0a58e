"""The operator's audit log: who changed what at the desk, when, and from what to what."""
