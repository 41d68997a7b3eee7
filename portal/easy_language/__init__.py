"""The portal in Leichte Sprache (issue 20), under /leichte-sprache/: what BeWeQO is, a
simple course search, a short counselling request, money for further training, how to use
the site and the accessibility statement.

The pages are composed from the apps below: the search is the catalogue's
(`offerings.selectors.catalogue_search`), the request goes through counselling's intake into
the same queue as the standard form. The texts follow the rules of the Netzwerk Leichte
Sprache; long compound words are split with a hyphen ("Weiter-Bildung"), never with the
Mediopunkt, on every page.
"""
