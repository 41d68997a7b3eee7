"""Joint courses with quotes (issue 21): the network office turns a group of the demand
board into a joint measure and invites providers; each invited provider answers from its
back office with a quote; the measure page shows per quote what a participant and each
company pays after the employer-side funding (costs.py, on the rules of
counselling.funding); the office chooses a quote; the companies confirm how many people
they send (on their status page, with reference and contact); when the chosen course is
published in the catalogue, every company and every person who asked is told once.

The flow: forms → views → services (writes, mails through the outbox) and selectors
(reads) → costs (pure computation). offerings knows nothing of this: it sends
`offerings.signals.offers_published`, which receivers.py hears.
"""
