"""The service's PostgreSQL connections run without just-in-time compiling (earlyyears.settings)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_postgres_connections_do_not_compile_queries():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
