"""A task's assignee is named among the case's team: a user outside it reads like no such user."""
import pytest

pytestmark = pytest.mark.django_db


def _post(client, world, username):
    return client.post("/api/tasks/", {"case": world.case.reference, "title": "Query bank", "assignee": username},
                       content_type="application/json")


def test_an_outsider_and_a_missing_user_name_read_the_same(world, client):
    client.force_login(world.users["lead"])
    outsider, missing = _post(client, world, "outsider"), _post(client, world, "no-such-user")
    assert outsider.status_code == missing.status_code == 400
    assert outsider.json()["assignee"] == [m.replace("no-such-user", "outsider") for m in missing.json()["assignee"]]
    assert _post(client, world, "investigator").status_code == 201
