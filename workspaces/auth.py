"""Session sign-in that brings a user's memberships with the user, in one query.

Every API request needs the caller's membership of the workspace it acts in. Looked up on
its own it was one more database round trip per request (0.3-1 ms, a tenth of an uncached
answer); joined to the user row that the session middleware loads anyway, it costs none.
The memberships are read fresh on every request, so a role changed or a member removed
counts from the next request on.
"""

from collections.abc import Callable
from weakref import WeakKeyDictionary

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.expressions import Col

from workspaces.models import Membership, Workspace


def _concrete(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)  # a column of the model's own table, not a relation's reverse
    return field


# The user's columns in model order (User.from_db builds the user from them), then the
# membership's and its workspace's, read through a plain cursor: a raw queryset's column
# mapping (cursor.description, one annotation per extra column) cost more than the query.
MEMBERSHIP_FIELDS = ("id", "role", "regions", "departments", "created_at")
WORKSPACE_FIELDS = ("id", "slug", "name", "created_at")
COLUMNS: list[tuple[str, Field]] = (
    [("u", field) for field in User._meta.concrete_fields]
    + [("m", _concrete(Membership, name)) for name in MEMBERSHIP_FIELDS]
    + [("w", _concrete(Workspace, name)) for name in WORKSPACE_FIELDS]
)
USER_FIELDS = [field.attname for field in User._meta.concrete_fields]
USER_MEMBERSHIPS_SQL = (
    "SELECT " + ", ".join(f"{alias}.{field.column}" for alias, field in COLUMNS) + f" FROM {User._meta.db_table} u"
    f" LEFT JOIN {Membership._meta.db_table} m ON m.user_id = u.id"
    f" LEFT JOIN {Workspace._meta.db_table} w ON w.id = m.workspace_id"
    f" WHERE u.id = %s"
)
MEMBERSHIPS_ATTRIBUTE = "folio_memberships"


# Per connection, each column's converters (backend's, then field's), looked up once: the
# lookup is the same on every request.
_CONVERTERS: WeakKeyDictionary[BaseDatabaseWrapper, list[tuple[Col, list[Callable]]]] = WeakKeyDictionary()


def _row_converted(connection: BaseDatabaseWrapper, row: tuple) -> list:
    """The row's values as the ORM would hand them over (SQLite's booleans, aware
    datetimes, JSON): each column through its backend's and its field's converters."""
    converters = _CONVERTERS.get(connection)
    if converters is None:
        converters = []
        for alias, field in COLUMNS:
            column = field.get_col(alias)
            converters.append((column, connection.ops.get_db_converters(column) + column.get_db_converters(connection)))
        _CONVERTERS[connection] = converters
    converted = []
    for (column, convert_all), value in zip(converters, row, strict=True):
        if value is not None:
            for convert in convert_all:
                value = convert(value, column, connection)
        converted.append(value)
    return converted


class MemberBackend(ModelBackend):
    """Django's model backend whose `get_user` also loads the user's memberships, each with
    its workspace, into `user.folio_memberships` (workspace id → Membership)."""

    def get_user(self, user_id: int) -> User | None:
        """The active user with this id and their memberships, or None."""
        using = router.db_for_read(User)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(USER_MEMBERSHIPS_SQL, [user_id])
            rows = cursor.fetchall()
        if not rows:
            return None
        rows = [_row_converted(connection, row) for row in rows]
        fields = len(USER_FIELDS)
        user = User.from_db(using, USER_FIELDS, rows[0][:fields])
        if not self.user_can_authenticate(user):
            return None
        memberships: dict[int, Membership] = {}
        for row in rows:
            m_id, role, regions, departments, m_created, w_id, w_slug, w_name, w_created = row[fields:]
            if m_id is None:  # a user of no workspace: the LEFT JOIN's one empty row
                continue
            workspace = Workspace(id=w_id, slug=w_slug, name=w_name, created_at=w_created)
            memberships[w_id] = Membership(
                id=m_id,
                workspace=workspace,
                user=user,
                role=role,
                regions=list(regions or []),
                departments=list(departments or []),
                created_at=m_created,
            )
        setattr(user, MEMBERSHIPS_ATTRIBUTE, memberships)
        return user
