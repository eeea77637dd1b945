"""Record writes through the API: a sale saved by a till, a shop's back office or a script,
one at a time, into the request's workspace. The analytics endpoints answer from the
warehouse; a sale saved here reaches them with the next sync, which the write requests."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api import serializers as s
from analytics.api.answer_views import ERRORS
from analytics.api.permissions import RoleAllowed
from analytics.api.renderers import ExactJSONRenderer
from analytics.api.workspace import request_membership
from analytics.permissions import RECORD_SALES, RoleAction
from books.models import Book, Channel, Region, Sale
from books.services.records import sale_create


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 moment that must say its time zone: a till's local time read as UTC would
    move a sale across midnight, and so into another day's figures."""

    default_error_messages = {"naive": "The sale time needs a time zone (e.g. 2025-06-01T10:30:00+02:00)."}

    def enforce_timezone(self, value: datetime) -> datetime:
        """Refuse a moment without a time zone instead of assuming the server's."""
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)


class SaleCreateSerializer(serializers.Serializer):
    """A sale to record: which book (by ISBN-13, within the workspace), where, when, how many."""

    isbn13 = serializers.CharField(max_length=13, help_text="The book's ISBN-13, one of the workspace's books.")
    region = serializers.CharField(max_length=12, help_text="A region code, e.g. FR.")
    sold_at = AwareDateTimeField(help_text="When it was sold, with a time zone (ISO 8601).")
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    unit_price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        help_text="Defaults to the book's list price.",
    )
    discount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"), default=Decimal("0"))
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.ONLINE)


class SaleSerializer(serializers.Serializer):
    """A recorded sale; money as exact decimal strings."""

    id = serializers.IntegerField()
    isbn13 = serializers.CharField()
    title = serializers.CharField()
    region = serializers.CharField()
    sold_at = serializers.DateTimeField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2)
    discount = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    channel = serializers.CharField()


def sale_body(sale: Sale) -> dict[str, object]:
    """What the API says of a recorded sale."""
    return {
        "id": sale.pk,
        "isbn13": sale.book.isbn13,
        "title": sale.book.title,
        "region": sale.region.code,
        "sold_at": sale.sold_at.isoformat(),
        "quantity": sale.quantity,
        "unit_price": sale.unit_price,
        "discount": sale.discount,
        "amount": sale.amount,
        "channel": sale.channel,
    }


class SaleCreateView(APIView):
    """Needs the analyst role: record one sale in the request's workspace."""

    permission_classes = [IsAuthenticated, RoleAllowed]
    renderer_classes = [ExactJSONRenderer]

    def role_action(self, request: Request) -> RoleAction:
        """Recording sales is an analyst's work."""
        return RECORD_SALES

    @extend_schema(
        summary="Record a sale",
        description=(
            "Needs the analyst role. Records one sale of one of the workspace's books (by ISBN-13); the "
            "amount is quantity × unit price − discount, exact to the cent. A member limited to some regions "
            "records sales in those regions only. The analytics answers include it after the next warehouse "
            "sync, which the write requests at once (see `/api/analytics/events`)."
        ),
        request=SaleCreateSerializer,
        responses={
            201: SaleSerializer,
            400: ERRORS[400],
            401: ERRORS[401],
            403: OpenApiResponse(s.ErrorSerializer, description="Not an analyst, or a region outside your limits."),
        },
    )
    def post(self, request: Request) -> Response:
        """Validate everything, then write the sale in one transaction; 201 with the sale."""
        body = SaleCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        membership = request_membership(request)
        workspace = membership.workspace
        book = Book.objects.filter(workspace=workspace, isbn13=data["isbn13"]).first()
        if book is None:
            unknown = f"No book with ISBN-13 {data['isbn13']} in workspace “{workspace.slug}”."
            raise ValidationError({"isbn13": [unknown]})
        region = Region.objects.filter(code=data["region"]).first()
        if region is None:
            raise ValidationError({"region": [f"Unknown region code {data['region']!r}."]})
        if membership.regions and region.code not in membership.regions:
            raise PermissionDenied(
                f"Your membership of “{workspace.name}” is limited to regions {', '.join(membership.regions)}; "
                f"you cannot record a sale in {region.code}."
            )
        try:
            sale = sale_create(
                workspace=workspace,
                book=book,
                region=region,
                sold_at=data["sold_at"],
                quantity=data["quantity"],
                unit_price=data.get("unit_price"),
                discount=data["discount"],
                channel=data["channel"],
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages) from None
        return Response(sale_body(sale), status=status.HTTP_201_CREATED)
