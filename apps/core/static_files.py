"""Static files (WhiteNoise): the browser app's hashed assets are cached for good, everything else as WhiteNoise does."""
from __future__ import annotations

from whitenoise.middleware import WhiteNoiseMiddleware

#: Where Vite writes the app's chunks, stylesheets and other assets, each named with a hash of its content
#: (`index-BLUyDNCK.js`; frontend/vite.config.ts): under STATIC_URL, as built into static/app/assets/.
APP_ASSETS = "app/assets/"


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, with the browser app's assets under `/static/app/assets/` immutable as well.

    WhiteNoise serves a file's `.br` or `.gz` copy beside it when the browser accepts it (the
    frontend build writes both; collectstatic's CompressedManifestStaticFilesStorage does too), and
    marks as immutable (`Cache-Control: max-age=315360000, public, immutable`) only the names Django's
    manifest storage hashed. Vite's asset names carry their own content hash, and index.html names
    them as Vite wrote them (never through Django's manifest), so they are immutable too, under
    `make run` (DEBUG, files from static/ through the finders) as in production. Everything else keeps
    WhiteNoise's short max-age (0 in DEBUG, 60 s otherwise): the icons, the web app manifest and
    static/app/index.html itself. The app's page and the service worker are views (apps.core.views.spa,
    apps.notifications.views.service_worker), revalidated on every load.
    """

    def immutable_file_test(self, path: str, url: str) -> bool:
        """True for a content-hashed name: Vite's (`/static/app/assets/…`) or Django's manifest storage's."""
        if url.startswith(f"{self.static_prefix}{APP_ASSETS}"):
            return True
        return super().immutable_file_test(path, url)

