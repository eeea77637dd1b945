"""Import uploads stop at IMPORT_MAX_BYTES while they stream, not after the whole body arrived.

Django's multipart parser hands every chunk of a file to the request's upload handlers in
order; `UploadLimitHandler` goes first, counts the bytes of every file in the request, and
stops the parser once they pass the limit, without reading the rest of the body
(`StopUpload(connection_reset=True)`). The view then answers with the refusal instead of
"no file". Handlers must be installed before anything reads `request.POST` or `FILES`, and
the CSRF check reads them: `upload_limited` therefore wraps a view that is CSRF-exempt
outside and checks CSRF inside (Django's documented pattern for upload handlers).
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt


class UploadLimitHandler(FileUploadHandler):
    """Passes file chunks on until the request's files exceed `limit` bytes, then stops the upload."""

    def __init__(self, request: HttpRequest | None = None, *, limit: int | None = None) -> None:
        super().__init__(request)
        self.limit = settings.IMPORT_MAX_BYTES if limit is None else limit
        self.received = 0
        self.refusal: str | None = None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        """Count the chunk; past the limit, remember why and stop reading the body."""
        self.received += len(raw_data)
        if self.received > self.limit:
            self.refusal = (
                f"{self.file_name or 'The file'} is larger than the import limit of {self.limit:,} bytes "
                f"(IMPORT_MAX_BYTES); the upload was stopped after {self.received:,} bytes."
            )
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        """The next handlers build the file."""
        return None


def upload_limit_install(request: HttpRequest) -> None:
    """Put an UploadLimitHandler first among the request's upload handlers (before its body is read)."""
    request.upload_handlers.insert(0, UploadLimitHandler(request))


def upload_refusal(request: HttpRequest) -> str | None:
    """Why the request's upload was stopped, or None when it was not."""
    return next((h.refusal for h in request.upload_handlers if isinstance(h, UploadLimitHandler) and h.refusal), None)


def upload_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Install the limit before `view` runs; `view` must check CSRF itself (the admin's views do)."""

    @wraps(view)
    def limited(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        upload_limit_install(request)
        return view(request, *args, **kwargs)

    return csrf_exempt(limited)
