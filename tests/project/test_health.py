def test_health_answers(client, db):
    response = client.get("/api/health/", secure=True)
    assert response.status_code == 200
    assert response.json() == {"ok": True}
