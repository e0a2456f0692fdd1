#!/bin/sh
# The entrypoint of Slate's image (Dockerfile): make this container's own addresses acceptable Host names, then
# run the command (web, worker or nginx; docker-compose.yml).
#
# Prometheus finds the web and worker replicas by DNS and scrapes each by its IP address, so its requests say
# `Host: <container address>:8000`, which Django refuses (400) unless ALLOWED_HOSTS names it; that address is
# only known once the container runs. The healthchecks (deploy/docker/healthcheck.py) ask for `localhost`.
# Both are added to a non-empty ALLOWED_HOSTS (an empty one still fails as it should when DEBUG is off);
# SLATE_ALLOW_OWN_ADDRESS=false leaves ALLOWED_HOSTS as given.
set -eu
if [ "${SLATE_ALLOW_OWN_ADDRESS:-true}" = true ] && [ -n "${ALLOWED_HOSTS:-}" ]; then
    hosts=localhost
    for address in $(hostname -i 2>/dev/null || true); do
        case "$address" in
            127.*|::1) ;;
            *:*) hosts="$hosts,[$address]" ;;
            *) hosts="$hosts,$address" ;;
        esac
    done
    ALLOWED_HOSTS="$ALLOWED_HOSTS,$hosts"
    export ALLOWED_HOSTS
fi
exec "$@"
