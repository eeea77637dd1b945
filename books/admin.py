"""Admin for book-sales records, fast on 10M sales: capped counts, no full-table scans."""

from django.contrib import admin

from books.models import Author, Book, BookAuthor, Genre, Publisher, Region, Sale, Tombstone
from config.admin_base import TombstoneAdmin
from config.admin_base import TrackedAdmin as BaseTrackedAdmin


class TrackedAdmin(BaseTrackedAdmin):
    """Deletes leave tombstones in books.Tombstone."""

    tombstones = Tombstone


@admin.register(Genre)
class GenreAdmin(TrackedAdmin):
    list_display = ("name", "slug", "updated_at")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Region)
class RegionAdmin(TrackedAdmin):
    list_display = ("code", "name", "updated_at")
    search_fields = ("code", "name")


@admin.register(Publisher)
class PublisherAdmin(TrackedAdmin):
    list_display = ("name", "updated_at")
    search_fields = ("name",)


@admin.register(Author)
class AuthorAdmin(TrackedAdmin):
    list_display = ("name", "updated_at")
    search_fields = ("name",)


class BookAuthorInline(admin.TabularInline):
    model = BookAuthor
    autocomplete_fields = ("author",)
    extra = 0


@admin.register(Book)
class BookAdmin(TrackedAdmin):
    list_display = ("title", "isbn13", "genre", "publisher", "list_price", "published_on", "language")
    list_select_related = ("genre", "publisher")
    list_filter = ("genre", "language")
    # Exact ISBN first (unique index); title search is a prefix match on 500K rows.
    search_fields = ("=isbn13", "^title", "=source_key")
    autocomplete_fields = ("genre", "publisher")
    inlines = (BookAuthorInline,)
    ordering = ("-id",)


@admin.register(Sale)
class SaleAdmin(TrackedAdmin):
    list_display = ("id", "sold_at", "book", "region", "quantity", "unit_price", "discount", "amount", "channel")
    list_select_related = ("book", "region")
    # Small, fixed filters only: a book filter would list 500K books.
    list_filter = ("region", "channel")
    search_fields = ("=id", "=book__isbn13")
    raw_id_fields = ("book",)
    ordering = ("-id",)  # the primary key index: newest first without a sort


admin.site.register(Tombstone, TombstoneAdmin)
