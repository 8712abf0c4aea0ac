"""The API against its own OpenAPI document, by schemathesis: every operation, with values the
document allows (each must be answered as documented) and values it does not (each must be
refused with a 4xx), so the two cannot drift apart again. Bounded in examples, not in time."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from proeftuin.models import LessonStatus
from tests.test_api import API

#: examples per operation and mode: enough to meet every parameter and its edges
EXAMPLES = 40


@pytest.fixture
def api_schema(app, make):
    pilot = make.pilot(name="Proeftuin Contract")
    make.lesson(pilot, status=LessonStatus.published, title="Respijt in de buurt")
    return schemathesis.openapi.from_wsgi(f"{API}/openapi.json", app)


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["allowed values", "values the document refuses"])
def test_the_api_keeps_to_its_document(api_schema, mode):
    # One hypothesis run per operation (the fixture's app and data serve them all); the
    # checks are schemathesis's own: no server error, status codes and response bodies as
    # documented, and for refused values a 4xx.
    operations = _operations(api_schema)
    assert {operation.label for operation in operations} >= {"GET /lessons", "GET /pilots"}
    for operation in operations:
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def keeps_to_the_document(case):
            case.call_and_validate()

        keeps_to_the_document()
