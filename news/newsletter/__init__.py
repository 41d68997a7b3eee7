"""The newsletter: double opt-in subscriptions and issues sent once per address.

services (subscribe, confirm, compose, deliver), selectors, forms and views; the models live
in news/models.py beside the posts an issue carries.
"""
