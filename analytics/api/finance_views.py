"""The city-ledger answers: filter options, ROI, budgets, revenue and expenses, net profit, funds."""

from analytics.api.answer_views import AnswerView, TableView, answer_schema
from analytics.questions.catalogue import CATALOGUE


@answer_schema(CATALOGUE["finance/initialise"])
class InitialiseView(AnswerView):
    question = CATALOGUE["finance/initialise"]


@answer_schema(CATALOGUE["finance/top-roi"])
class TopRoiView(TableView):
    question = CATALOGUE["finance/top-roi"]


@answer_schema(CATALOGUE["finance/top-budget"])
class TopBudgetView(TableView):
    question = CATALOGUE["finance/top-budget"]


@answer_schema(CATALOGUE["finance/revenue-expenses"])
class RevenueExpensesView(TableView):
    question = CATALOGUE["finance/revenue-expenses"]


@answer_schema(CATALOGUE["finance/net-profit"])
class NetProfitView(TableView):
    question = CATALOGUE["finance/net-profit"]


@answer_schema(CATALOGUE["finance/fund-table"])
class FundTableView(TableView):
    question = CATALOGUE["finance/fund-table"]
