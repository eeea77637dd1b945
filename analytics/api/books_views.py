"""The book-sales answers: summary, timeseries, best sellers, sales by region and genre."""

from analytics.api.answer_views import AnswerView, TableView, answer_schema
from analytics.questions.catalogue import CATALOGUE


@answer_schema(CATALOGUE["summary"])
class SummaryView(AnswerView):
    question = CATALOGUE["summary"]


@answer_schema(CATALOGUE["timeseries"])
class TimeseriesView(TableView):
    question = CATALOGUE["timeseries"]


@answer_schema(CATALOGUE["top-books"])
class TopBooksView(TableView):
    question = CATALOGUE["top-books"]


@answer_schema(CATALOGUE["sales-by-region"])
class SalesByRegionView(TableView):
    question = CATALOGUE["sales-by-region"]


@answer_schema(CATALOGUE["sales-by-genre"])
class SalesByGenreView(TableView):
    question = CATALOGUE["sales-by-genre"]
