"""The compte de résultat answers."""

from analytics.api.answer_views import TableView, answer_schema
from analytics.questions.catalogue import CATALOGUE


@answer_schema(CATALOGUE["statement/profit"])
class StatementProfitView(TableView):
    question = CATALOGUE["statement/profit"]


@answer_schema(CATALOGUE["statement/operating"])
class StatementOperatingView(TableView):
    question = CATALOGUE["statement/operating"]


@answer_schema(CATALOGUE["statement/expenses-by-poste"])
class StatementExpensesByPosteView(TableView):
    question = CATALOGUE["statement/expenses-by-poste"]


@answer_schema(CATALOGUE["statement/exceptional-charges"])
class StatementExceptionalChargesView(TableView):
    question = CATALOGUE["statement/exceptional-charges"]


@answer_schema(CATALOGUE["statement/financial-income"])
class StatementFinancialIncomeView(TableView):
    question = CATALOGUE["statement/financial-income"]
