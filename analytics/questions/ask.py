"""Ask a question of the catalogue: the one call views, cache warming, `manage.py ask` and
tests use. It validates and normalizes the parameters, answers through the runner (cache
by generation and data scope, single flight, failure markers, timeouts) and remembers the
answer under the exact query so a repeated request costs one cache read."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.http import QueryDict

from analytics import runner
from analytics.questions.catalogue import CATALOGUE, Question, question_get
from workspaces.scope import Scope

# Parameters that choose how an answer is rendered, not which answer it is.
RENDERING_PARAMETERS = frozenset({"format"})
OPTIONS = "finance/initialise"
OPTIONS_KEY = "filter-options"


@dataclass(frozen=True)
class Asked:
    """An answer with the parameters as understood (defaults filled in) and what it cost."""

    question: Question
    answer: runner.Answer
    params: dict
    timings: dict[str, float]

    def body(self) -> dict:
        """What the API returns for it: generation, as-of time, parameters and result(s)."""
        return {
            "generation": self.answer.generation,
            "as_of": self.answer.as_of,
            "params": self.params,
            ("results" if self.question.many else "result"): self.answer.value,
        }


def query_dict(params: Mapping) -> QueryDict:
    """The parameters as a query string holds them: a value or a list of values per name."""
    if isinstance(params, QueryDict):
        return params
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query.setlist(name, [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)])
    return query


def filter_options(scope: Scope) -> dict:
    """The filter options the scope sees, under the key ask() validates parameters with (so
    they are computed once per generation and scope): filter values and date bounds. For
    checking parameters before asking (an alert's, a report's)."""
    generation = runner.served_generation()
    if generation is None:
        raise runner.NoGeneration("The warehouse has no published generation yet; the first sync publishes one.")
    found = runner.answer(
        endpoint=OPTIONS_KEY, params={}, scope=scope, compute=CATALOGUE[OPTIONS].compute({}), generation=generation
    )
    return found.value  # type: ignore[return-value]  # the filter options' dict


def error_messages(detail: object) -> list[str]:
    """A serializer's errors as flat messages, each prefixed by its field (`region: Unknown region: XX.`)."""
    if isinstance(detail, dict):
        return [f"{name}: {message}" for name, messages in detail.items() for message in error_messages(messages)]
    if isinstance(detail, list):
        return [message for item in detail for message in error_messages(item)]
    return [str(detail)]


def ask(name: str, params: Mapping, *, scope: Scope) -> Asked:
    """The answer to question `name` for `params` (query-string values) in the data `scope`
    the caller may see (a workspace and its row limits), from the current generation; the
    parameters are checked against that scope's own filter options. Raises UnknownQuestion, a DRF
    ValidationError naming each bad parameter, NoGeneration, QueryFailed or WarehouseUnavailable."""
    question = question_get(name)
    query_params = query_dict(params)
    generation = runner.served_generation()
    if generation is None:
        raise runner.NoGeneration("The warehouse has no published generation yet; the first sync publishes one.")
    query = sorted(
        (key, value) for key in query_params if key not in RENDERING_PARAMETERS for value in query_params.getlist(key)
    )
    remembered = runner.request_answer_get(endpoint=name, query=query, scope=scope, generation=generation)
    if remembered is not None:
        found, normalized = remembered
        return Asked(question, found, normalized, found.timings)
    # The filter options (finance/initialise's answer) validate the filter values; cached
    # under their own key, so that warming finance/initialise still computes it once.
    options = runner.answer(
        endpoint=OPTIONS_KEY, params={}, scope=scope, compute=CATALOGUE[OPTIONS].compute({}), generation=generation
    )
    validated = question.parameters(data=query_params, context={"options": options.value})
    validated.is_valid(raise_exception=True)
    data = validated.validated_data
    normalized = {key: value for key, value in data.items() if key not in {"period", "filters"}}
    if "period" in data:
        normalized.update(start=data["period"].start, end=data["period"].end)
    found = runner.answer(
        endpoint=name, params=normalized, scope=scope, compute=question.compute(data), generation=generation
    )
    runner.request_answer_set(
        endpoint=name, query=query, scope=scope, generation=generation, normalized=normalized, value=found.value
    )
    timings = {**{f"options-{key}": ms for key, ms in options.timings.items()}, **found.timings}
    return Asked(question, found, normalized, timings)
