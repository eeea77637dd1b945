"""/api/analytics/…: book-sales, ledger and statement answers, freshness, jobs."""

from django.urls import path

from analytics.api import books_views as books
from analytics.api import finance_views as finance
from analytics.api import jobs_views as jobs
from analytics.api import statement_views as statement
from analytics.api.routes import both_spellings
from analytics.live.streams import EventStreamView

urlpatterns = [
    path("summary", books.SummaryView.as_view(), name="analytics-summary"),
    path("timeseries", books.TimeseriesView.as_view(), name="analytics-timeseries"),
    path("top-books", books.TopBooksView.as_view(), name="analytics-top-books"),
    path("sales-by-region", books.SalesByRegionView.as_view(), name="analytics-sales-by-region"),
    path("sales-by-genre", books.SalesByGenreView.as_view(), name="analytics-sales-by-genre"),
    path("generate-test-data", jobs.GenerateTestDataView.as_view(), name="analytics-generate-test-data"),
    path("jobs/<int:job_id>", jobs.JobView.as_view(), name="analytics-job"),
    path("sync", jobs.SyncView.as_view(), name="analytics-sync"),
    path("imports/<str:kind>", jobs.ImportView.as_view(), name="analytics-import"),
    path("jobs/<int:job_id>/rejects", jobs.ImportRejectsView.as_view(), name="analytics-import-rejects"),
    path("freshness", jobs.FreshnessView.as_view(), name="analytics-freshness"),
    path("events", EventStreamView.as_view(), name="analytics-events"),
    path("finance/initialise", finance.InitialiseView.as_view(), name="analytics-finance-initialise"),
    path("finance/top-roi", finance.TopRoiView.as_view(), name="analytics-finance-top-roi"),
    path("finance/top-budget", finance.TopBudgetView.as_view(), name="analytics-finance-top-budget"),
    path("finance/revenue-expenses", finance.RevenueExpensesView.as_view(), name="analytics-finance-revenue-expenses"),
    path("finance/net-profit", finance.NetProfitView.as_view(), name="analytics-finance-net-profit"),
    path("finance/fund-table", finance.FundTableView.as_view(), name="analytics-finance-fund-table"),
    path("statement/profit", statement.StatementProfitView.as_view(), name="analytics-statement-profit"),
    path("statement/operating", statement.StatementOperatingView.as_view(), name="analytics-statement-operating"),
    path(
        "statement/expenses-by-poste",
        statement.StatementExpensesByPosteView.as_view(),
        name="analytics-statement-expenses-by-poste",
    ),
    path(
        "statement/exceptional-charges",
        statement.StatementExceptionalChargesView.as_view(),
        name="analytics-statement-exceptional-charges",
    ),
    path(
        "statement/financial-income",
        statement.StatementFinancialIncomeView.as_view(),
        name="analytics-statement-financial-income",
    ),
]
urlpatterns = both_spellings(urlpatterns)
