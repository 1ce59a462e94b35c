"""Checks: cross-file validation, the writing language per audience, fonts, and PDF/Word parity."""
