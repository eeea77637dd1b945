"""Django's database sessions, read with one prepared statement instead of an ORM query.

Every signed-in request reads its session before anything else. Through the ORM, that read
compiled a queryset each time (filter, `get`, its model instance): measured in-process on
a cached answer, the compilation cost as much as the query's round trip. The same row is
read here with one bound-parameter SELECT; writes, expiry and `clearsessions` stay
Django's own (SESSION_ENGINE = "config.sessions").
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    """Django's `db` session store whose read is one SELECT of the session's data."""

    def _get_session_from_db(self) -> AbstractBaseSession | None:
        """The unexpired session row for this key (only its data is read), or None."""
        if self.session_key is None:  # a key that fails validation reads as None
            self._session_key = None
            return None
        using = router.db_for_read(self.model)
        connection = connections[using]
        table = connection.ops.quote_name(self.model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0])
