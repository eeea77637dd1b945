"""/api/analytics/…: book-sales, ledger and statement answers, freshness, jobs."""

from django.urls import path

from analytics.api import analytics_views as views
from analytics.api.routes import both_spellings

urlpatterns = [
    path("summary", views.SummaryView.as_view(), name="analytics-summary"),
    path("timeseries", views.TimeseriesView.as_view(), name="analytics-timeseries"),
    path("top-books", views.TopBooksView.as_view(), name="analytics-top-books"),
    path("sales-by-region", views.SalesByRegionView.as_view(), name="analytics-sales-by-region"),
    path("sales-by-genre", views.SalesByGenreView.as_view(), name="analytics-sales-by-genre"),
    path("generate-test-data", views.GenerateTestDataView.as_view(), name="analytics-generate-test-data"),
    path("jobs/<int:job_id>", views.JobView.as_view(), name="analytics-job"),
    path("sync", views.SyncView.as_view(), name="analytics-sync"),
    path("imports/<str:kind>", views.ImportView.as_view(), name="analytics-import"),
    path("jobs/<int:job_id>/rejects", views.ImportRejectsView.as_view(), name="analytics-import-rejects"),
    path("freshness", views.FreshnessView.as_view(), name="analytics-freshness"),
    path("finance/initialise", views.InitialiseView.as_view(), name="analytics-finance-initialise"),
    path("finance/top-roi", views.TopRoiView.as_view(), name="analytics-finance-top-roi"),
    path("finance/top-budget", views.TopBudgetView.as_view(), name="analytics-finance-top-budget"),
    path("finance/revenue-expenses", views.RevenueExpensesView.as_view(), name="analytics-finance-revenue-expenses"),
    path("finance/net-profit", views.NetProfitView.as_view(), name="analytics-finance-net-profit"),
    path("finance/fund-table", views.FundTableView.as_view(), name="analytics-finance-fund-table"),
    path("statement/profit", views.StatementProfitView.as_view(), name="analytics-statement-profit"),
    path("statement/operating", views.StatementOperatingView.as_view(), name="analytics-statement-operating"),
    path(
        "statement/expenses-by-poste",
        views.StatementExpensesByPosteView.as_view(),
        name="analytics-statement-expenses-by-poste",
    ),
    path(
        "statement/exceptional-charges",
        views.StatementExceptionalChargesView.as_view(),
        name="analytics-statement-exceptional-charges",
    ),
    path(
        "statement/financial-income",
        views.StatementFinancialIncomeView.as_view(),
        name="analytics-statement-financial-income",
    ),
]
urlpatterns = both_spellings(urlpatterns)
