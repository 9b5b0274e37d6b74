from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(client, url):
    """How many SQL queries one GET of the page takes (the page must answer 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured)
