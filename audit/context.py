"""What the audit trail knows about the current piece of work: its channel (`via`), actor,
workspace and client address, kept in a context variable (threads and asyncio tasks each
see their own).

A request gets one from the middleware; a job run or a command sets one with `audit_via`;
a bulk load uses `audit.services.audit_bulk`, which stops per-row entries and records one event.
"""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

Actor = AbstractBaseUser | AnonymousUser | None


@dataclass(frozen=True)
class AuditContext:
    """The channel, actor, workspace and address every entry written inside it carries.

    `actor` may be a callable, read when an entry is written: an API request's user is known
    only once DRF has authenticated it, after the middleware ran."""

    via: str
    actor: Actor | Callable[[], Actor] = None
    workspace_id: int | None = None
    remote_addr: str | None = None

    def actor_now(self) -> AbstractBaseUser | None:
        """The actor as it is now; anonymous callers are no actor."""
        actor = self.actor() if callable(self.actor) else self.actor
        if actor is None or not actor.is_authenticated:
            return None
        return actor


def _default_via() -> str:
    # A management command run from the shell names itself, whatever code it calls.
    if Path(sys.argv[0]).name == "manage.py" and len(sys.argv) > 1:
        return f"command {sys.argv[1]}"
    return "system"


_current: ContextVar[AuditContext | None] = ContextVar("folio_audit_context", default=None)


def audit_context() -> AuditContext:
    """The context entries are written in now (a process-wide default outside any)."""
    return _current.get() or AuditContext(via=_default_via())


@contextmanager
def audit_via(
    via: str, *, workspace_id: int | None = None, actor: Actor | Callable[[], Actor] = None
) -> Iterator[AuditContext]:
    """Entries written inside carry this channel ("api", "import job 7", "command …"); the
    actor and address of an enclosing context (a request) are kept unless an actor is given."""
    outer = _current.get()
    context = AuditContext(
        via=via,
        actor=actor if actor is not None else (outer.actor if outer else None),
        workspace_id=workspace_id if workspace_id is not None else (outer.workspace_id if outer else None),
        remote_addr=outer.remote_addr if outer else None,
    )
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def audit_workspace_set(workspace_id: int) -> None:
    """Name the workspace of the current context (the API calls this once it knows the
    caller's workspace), for the events that belong to no record (permission refusals)."""
    current = _current.get()
    if current is None:  # outside any request or job: nothing to name, and nothing may leak
        return
    _current.set(replace(current, workspace_id=workspace_id))


@contextmanager
def audit_context_entered(context: AuditContext) -> Iterator[AuditContext]:
    """Run the block in exactly this context (the middleware's way in)."""
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
