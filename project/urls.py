"""URLs: the REST API under /api/, its schema and docs, the admin, and the browser app at / and every deep link."""
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from apps.accounts import account_api
from apps.accounts import api as accounts
from apps.accounts import profile_api
from apps.accounts import two_factor_api
from apps.breakdown import api as breakdown
from apps.comments import api as comments
from apps.continuity import api as continuity
from apps.core import health
from apps.core import metrics_view
from apps.core import views as core_views
from apps.jobs import api as jobs
from apps.media import api as media
from apps.notifications import views as notification_views
from apps.productions import api as productions
from apps.realtime import api as realtime
from apps.scenes import api as scenes
from apps.scripts import api as scripts

router = DefaultRouter()
router.register("productions", productions.ProductionViewSet, basename="production")
router.register(r"productions/(?P<production_pk>\d+)/members", productions.MembershipViewSet, basename="membership")
router.register(r"productions/(?P<production_pk>\d+)/invitations", productions.InvitationViewSet, basename="invitation")
router.register("scenes", scenes.SceneViewSet, basename="scene")
router.register("shots", scenes.ShotViewSet, basename="shot")
router.register("takes", scenes.TakeViewSet, basename="take")
router.register("characters", breakdown.CharacterViewSet, basename="character")
router.register("cast-members", breakdown.CastMemberViewSet, basename="cast-member")
router.register("props", breakdown.PropViewSet, basename="prop")
router.register("locations", breakdown.LocationViewSet, basename="location")
router.register("continuity-notes", continuity.ContinuityNoteViewSet, basename="continuity-note")
router.register("continuity-photos", continuity.ContinuityPhotoViewSet, basename="continuity-photo")
router.register("comments", comments.CommentViewSet, basename="comment")
router.register("scripts", scripts.ScriptViewSet, basename="script")
router.register("script-versions", scripts.ScriptVersionViewSet, basename="script-version")
router.register("media", media.MediaAssetViewSet, basename="media")
router.register("clips", media.ClipViewSet, basename="clip")
router.register("jobs", jobs.JobViewSet, basename="job")

auth_urls = [
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
    path("me/", accounts.MeView.as_view(), name="me"),
    path("register/", accounts.RegisterView.as_view(), name="register"),
    path("verify-email/", accounts.VerifyEmailView.as_view(), name="verify-email"),
    path("token/", accounts.TokenView.as_view(), name="token"),
    path("token/refresh/", account_api.RefreshView.as_view(), name="token-refresh"),
    path("password-reset/", account_api.PasswordResetRequestView.as_view(), name="password-reset"),
    path("password-reset/confirm/", account_api.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("password/", account_api.PasswordChangeView.as_view(), name="password-change"),
    path("account/", account_api.AccountView.as_view(), name="account"),
    path("two-factor/", two_factor_api.TwoFactorStatusView.as_view(), name="two-factor"),
    path("two-factor/setup/", two_factor_api.TwoFactorSetupView.as_view(), name="two-factor-setup"),
    path("two-factor/confirm/", two_factor_api.TwoFactorConfirmView.as_view(), name="two-factor-confirm"),
    path("two-factor/disable/", two_factor_api.TwoFactorDisableView.as_view(), name="two-factor-disable"),
    path("two-factor/recovery-codes/", two_factor_api.RecoveryCodesView.as_view(), name="two-factor-recovery-codes"),
]

urlpatterns = [
    path("api/auth/", include((auth_urls, "auth"))),
    path("api/me/", include("apps.accounts.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its starter script as a file: no inline script under the CSP (settings: "Security").
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema", template_name="core/redoc.html"), name="redoc"),
    path("api/health/", health.HealthView.as_view(), name="health"),
    path("api/ready/", health.ReadyView.as_view(), name="ready"),
    path("api/events/", realtime.EventListView.as_view(), name="events"),
    path("api/operations/", jobs.OperationsView.as_view(), name="operations"),
    path("api/users/<id:pk>/avatar/", profile_api.UserAvatarView.as_view(), name="user-avatar"),
    path("api/invitations/accept/", productions.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("api/invitations/preview/", productions.InvitationPreviewView.as_view(), name="invitation-preview"),
    path("api/", include("apps.generation.urls")),
    path("api/", include("apps.scripts.export_urls")),
    path("api/", include("apps.media.urls")),
    path("api/", include("apps.callsheets.urls")),
    path("api/", include("apps.notifications.urls")),
    path("api/", include("apps.audit.urls")),
    path("api/", include(router.urls)),
    path("admin/", admin.site.urls),
    path("sw.js", notification_views.service_worker, name="service-worker"),
    path("metrics", metrics_view.metrics, name="metrics"),  # Prometheus only (a token, or loopback): apps/core/metrics_view.py
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("robots.txt", core_views.robots_txt, name="robots-txt"),
    path("", core_views.spa, name="spa"),
    # Every other path is a page of the browser app (its router shows it); API, admin, static files, the
    # WebSocket and file names (a last segment with an extension: /apple-touch-icon.png, /wp-login.php — no
    # page of the app has one) keep their own 404s — /api/... answers Slate's JSON error (handler404).
    re_path(r"^(?!(?:api|admin|static|ws)(?:/|$))(?!(?:.*/)?[^/]*\.[A-Za-z0-9]{1,8}/?$).*$", core_views.spa, name="spa-page"),
]

handler404 = "apps.core.views.not_found"
handler500 = "apps.core.views.server_error"
