"""URLs: the REST API under /api/, its schema and docs, the admin, and the browser app at / and every deep link."""
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter
from rest_framework_simplejwt.views import TokenRefreshView

from apps.accounts import api as accounts
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
    path("token/refresh/", TokenRefreshView.as_view(), name="token-refresh"),
]

urlpatterns = [
    path("api/auth/", include((auth_urls, "auth"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("api/health/", health.HealthView.as_view(), name="health"),
    path("api/ready/", health.ReadyView.as_view(), name="ready"),
    path("api/events/", realtime.EventListView.as_view(), name="events"),
    path("api/operations/", jobs.OperationsView.as_view(), name="operations"),
    path("api/invitations/accept/", productions.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("api/invitations/preview/", productions.InvitationPreviewView.as_view(), name="invitation-preview"),
    path("api/", include("apps.generation.urls")),
    path("api/", include("apps.scripts.export_urls")),
    path("api/", include("apps.media.urls")),
    path("api/", include("apps.callsheets.urls")),
    path("api/", include("apps.notifications.urls")),
    path("api/", include(router.urls)),
    path("admin/", admin.site.urls),
    path("sw.js", notification_views.service_worker, name="service-worker"),
    path("metrics", metrics_view.metrics, name="metrics"),  # Prometheus only (a token, or loopback): apps/core/metrics_view.py
    path("", core_views.spa, name="spa"),
    # Every other path is a page of the browser app (its router shows it); API, admin, static files and
    # the WebSocket keep their own 404s — /api/... answers Slate's JSON error (handler404).
    re_path(r"^(?!(?:api|admin|static|ws)(?:/|$)).*$", core_views.spa, name="spa-page"),
]

handler404 = "apps.core.views.not_found"
handler500 = "apps.core.views.server_error"
