"""The providers' back office: institutions keep their offers and dates current, import
files (offerings/imports/), publish, archive, and the network office approves new providers.
"""
