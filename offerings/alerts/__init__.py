"""Course alerts ("Suchauftrag"): a saved catalogue search whose new matches are mailed as
a daily or weekly digest. Double opt-in; every mail links to changing and unsubscribing.

services (subscribe, confirm, digests), selectors, forms, views and the beat tasks.
"""
