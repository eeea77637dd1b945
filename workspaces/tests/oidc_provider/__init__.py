"""A tiny OpenID Connect provider (django-oauth-toolkit) the single sign-on tests sign in at.

It runs as its own Django project in a second process, on loopback, with its own SQLite
database: a real provider with discovery, a login form, a consent page, tokens signed with
an RSA key made for the run, and a userinfo endpoint.
"""
