"""Counselling services kept by the institutions themselves (issue 22), and the network
office's approval of them. The rules are in README.md beside this file.

Flow: forms parse → services write (and mail through the outbox) → selectors read for the
pages in views; permissions are counselling.permissions (the back office's rule).
"""
