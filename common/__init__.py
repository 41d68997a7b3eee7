"""Helpers every app may use and that hold no data: forms, rate limits, Markdown, text folding.

The lowest layer of the portal (see ARCHITECTURE.md): it imports no app of the portal.
"""
