"""Book sales: authors, publishers, genres, regions, books and their sales."""
