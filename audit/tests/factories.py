"""Factories for the audit trail's tests: workspaces, members, ledger records and sales."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import User

from analytics.models import ApiToken
from books.models import Book, Genre, Publisher, Region, Sale
from finance.models import CostCenter, Department, EntryKind, Fund, LedgerEntry
from workspaces.models import Membership, Role, Workspace


class WorkspaceFactory(factory.django.DjangoModelFactory[Workspace]):
    class Meta:
        model = Workspace
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"ws-{n}")
    name = factory.LazyAttribute(lambda workspace: workspace.slug.title())


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "a-long-password-9")

    @factory.post_generation
    def saved(user: User, create: bool, extracted: object, **kwargs: object) -> None:
        """Store the password set above."""
        if create:
            user.save()


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ADMIN


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: 100 + n)
    name = factory.Sequence(lambda n: f"Department {n}")


class FundFactory(factory.django.DjangoModelFactory[Fund]):
    class Meta:
        model = Fund
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: 200 + n)
    name = factory.Sequence(lambda n: f"Fund {n}")


class CostCenterFactory(factory.django.DjangoModelFactory[CostCenter]):
    class Meta:
        model = CostCenter
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: 300 + n)
    name = factory.Sequence(lambda n: f"Cost centre {n}")
    department = factory.SubFactory(DepartmentFactory)


class LedgerEntryFactory(factory.django.DjangoModelFactory[LedgerEntry]):
    class Meta:
        model = LedgerEntry

    workspace = factory.SubFactory(WorkspaceFactory)
    entry_date = date(2025, 3, 14)
    amount = Decimal("120.00")
    kind = EntryKind.EXPENSES
    department = factory.SubFactory(DepartmentFactory)
    fund = factory.SubFactory(FundFactory)
    cost_center = factory.SubFactory(CostCenterFactory, department=factory.SelfAttribute("..department"))


class SaleFactory(factory.django.DjangoModelFactory[Sale]):
    class Meta:
        model = Sale

    workspace = factory.SubFactory(WorkspaceFactory)
    book = factory.LazyAttribute(
        lambda sale: Book.objects.create(
            workspace=sale.workspace,
            title="Audited Book",
            source_key=f"audit-{Book.objects.count() + 1}",
            genre=Genre.objects.get_or_create(slug="audit", defaults={"name": "Audit"})[0],
            publisher=Publisher.objects.create(workspace=sale.workspace, name="Audit Press"),
            list_price=Decimal("10.00"),
        )
    )
    region = factory.LazyFunction(lambda: Region.objects.get_or_create(code="FR", defaults={"name": "France"})[0])
    sold_at = datetime(2025, 5, 1, 12, tzinfo=UTC)
    quantity = 2
    unit_price = Decimal("10.00")
    discount = Decimal("0.00")
    amount = Decimal("20.00")


class ApiTokenFactory(factory.django.DjangoModelFactory[ApiToken]):
    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    workspace = factory.SubFactory(WorkspaceFactory)
    name = "reports"
    prefix = factory.Sequence(lambda n: f"folio_{n:04d}")
    digest = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: datetime.now(UTC) + timedelta(days=30))
