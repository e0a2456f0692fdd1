"""API clients signed in the real ways (session sign-in, JWT pair) for the accounts tests."""
from __future__ import annotations

from rest_framework.test import APIClient

PASSWORD = "correct horse battery"  # tests/factories.py


def session_client(login: str, password: str = PASSWORD, *, user_agent: str = "") -> APIClient:
    """A client signed in through `POST /api/auth/login/` (a session cookie), sending `user_agent`."""
    client = APIClient(HTTP_USER_AGENT=user_agent)
    response = client.post("/api/auth/login/", {"login": login, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return client


def jwt_pair(login: str, password: str = PASSWORD, *, user_agent: str = "") -> dict:
    """`{"access", "refresh"}` from `POST /api/auth/token/`."""
    response = APIClient(HTTP_USER_AGENT=user_agent).post("/api/auth/token/", {"username": login, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def bearer(access: str) -> APIClient:
    """A client sending `Authorization: Bearer <access>`."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def refresh(token: str):
    """The answer of `POST /api/auth/token/refresh/` for a refresh token."""
    return APIClient().post("/api/auth/token/refresh/", {"refresh": token}, format="json")
