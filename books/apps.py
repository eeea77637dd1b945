"""The books app."""

from django.apps import AppConfig


class BooksConfig(AppConfig):
    """Book-sales records: the catalogue and its sales."""

    name = "books"
    verbose_name = "Book sales"
