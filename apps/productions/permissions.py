"""Who may do what on a production, by role (apps.productions.models.Role)."""
from __future__ import annotations

from apps.accounts.two_factor import has_two_factor
from apps.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from apps.productions.models import CONTACT_ROLES, MANAGER_ROLES, READ_ONLY_ROLES, Production
from apps.productions.selectors import membership_role, membership_role_and_two_factor_rule


def require_member(*, user, production) -> str:
    """The user's role; `NotFoundError` (404, nothing leaked) when they are not on the production."""
    role = membership_role(user=user, production_id=getattr(production, "pk", production))
    if role is None:
        raise NotFoundError()
    return role


def _role_and_rule(*, user, production) -> tuple[str, bool | None]:
    """The user's role (`NotFoundError` for a non-member) and the production's `require_two_factor`, in one query."""
    if isinstance(production, Production):
        return require_member(user=user, production=production), production.require_two_factor
    role, rule = membership_role_and_two_factor_rule(user=user, production_id=production)
    if role is None:
        raise NotFoundError()
    return role, rule


def require_write(*, user, production, role: str | None = None, two_factor_rule: bool | None = None) -> str:
    """The user's role if it may change the production's data; viewers get 403, non-members 404; owners and
    producers without two-factor authentication 403 `two_factor_required` where the production requires it.

    `role` and `two_factor_rule`: the user's role on the production and its `require_two_factor` when the caller has
    just read them from the database (`scope_to_user(..., with_role=True)`), which saves the query; None reads them here.
    """
    if not role:
        role, two_factor_rule = _role_and_rule(user=user, production=production)
    if role in READ_ONLY_ROLES:
        raise PermissionDeniedError("Viewers can look but not change anything.")
    require_two_factor_if_needed(user=user, production=production, role=role, rule=two_factor_rule)
    return role


def require_manager(*, user, production) -> str:
    """The user's role if it manages the production (owner or producer); 403 for other members, and 403
    `two_factor_required` for one without two-factor authentication where the production requires it."""
    role, rule = _role_and_rule(user=user, production=production)
    if role not in MANAGER_ROLES:
        raise PermissionDeniedError("Only the production's owners and producers can do this.")
    require_two_factor_if_needed(user=user, production=production, role=role, rule=rule)
    return role


TWO_FACTOR_REQUIRED_MESSAGE = (
    "This production requires two-factor authentication for its owners and producers. "
    "Turn it on in your Account settings, then try again."
)


def require_two_factor_if_needed(*, user, production, role: str, rule: bool | None = None) -> None:
    """The production's two-factor rule (issue 18): when `Production.require_two_factor` is on, an owner or producer
    (`MANAGER_ROLES`) without two-factor authentication on their account (apps.accounts.two_factor.has_two_factor) may
    not change anything on it. Every write's role check calls this (`require_write`, `require_manager`,
    apps.callsheets.permissions.require_scheduler), so the rule covers every write; reads stay open, so they can still
    see the production while they set it up. Other roles are not concerned.

    `production`: a Production (its `require_two_factor` as loaded) or its id; `rule`: its `require_two_factor` when
    the caller has read it (else one query, only for a manager). The user's devices are read only when it is required.
    Raises `ApplicationError` 403 `two_factor_required` with a message sending them to Account settings.
    """
    if role not in MANAGER_ROLES:
        return
    if rule is None:
        if isinstance(production, Production):
            rule = production.require_two_factor
        else:
            rule = Production.objects.filter(pk=production, require_two_factor=True).exists()
    if rule and not has_two_factor(user):
        raise ApplicationError(TWO_FACTOR_REQUIRED_MESSAGE, code="two_factor_required", status=403)


# The personal contact details the privacy rule covers, by field name on the REST representations.
CONTACT_FIELDS = ("email", "phone", "address", "emergency_contact")


def sees_contacts(*, user, production, person_user_id: int | None = None, role: str | None = None) -> bool:
    """Whether `user` may see the personal contact details (phone, email, address, emergency contact) of
    someone on `production` (a Production or its id): the one rule every channel asks (issue 18).

    True for the production's owners, producers, production coordinators and assistant directors
    (`CONTACT_ROLES`), and for the person themselves (`person_user_id`, the Slate account the details
    belong to, None when they have none). False for everyone else, for non-members, and for no user at
    all — a live event goes to every member, so it never carries them. `role`: the user's role when the
    caller has read it already (saves the query).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if person_user_id is not None and user.pk == person_user_id:
        return True
    if role is None:
        role = membership_role(user=user, production_id=getattr(production, "pk", production))
    return role in CONTACT_ROLES


def request_sees_contacts(context: dict, *, production_id: int, person_user_id: int | None = None) -> bool:
    """`sees_contacts` for the user of a serializer's `context["request"]` (False without one: an event's data).

    The user's role per production is read once per serializer tree (kept in `context`), so a list of
    N rows costs one query per production, not one per row.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    roles = context.setdefault("_contact_roles", {})
    if production_id not in roles:
        roles[production_id] = membership_role(user=user, production_id=production_id)
    return sees_contacts(user=user, production=production_id, person_user_id=person_user_id, role=roles[production_id] or "")


def redact_contacts(data: dict, *, fields=CONTACT_FIELDS) -> dict:
    """`data` with each contact field it has emptied (""), keeping the shape the API's schema promises."""
    return {**data, **{name: "" for name in fields if name in data}}
