import { Alert, Anchor, Card, Stack, Switch, Text } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router-dom";
import { api, ApiError } from "../../api/client";
import { keys } from "../../api/keys";
import type { Production } from "../../api/types";

/**
 * On the crew page, for owners and producers: whether the production requires two-factor authentication of its owners
 * and producers (`Production.require_two_factor`, issue 18). An owner switches it; a producer reads it. The server
 * refuses an owner without two-factor authentication turning it on (403 `two_factor_required`): the message says so.
 */
export function TwoFactorRequirement({ production, isOwner }: { production: Production; isOwner: boolean }) {
  const qc = useQueryClient();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function toggle(required: boolean) {
    setBusy(true);
    setError(null);
    try {
      const saved = await api<Production>(`/api/productions/${production.id}/`, {
        method: "PATCH", json: { require_two_factor: required, version: production.version },
      });
      qc.setQueryData(keys.production(production.id), saved);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, { message: String(e), code: "network", extra: {} }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card withBorder component="section" aria-labelledby="require-two-factor-title" data-testid="require-two-factor">
      <Stack gap="xs">
        <Text fw={600} id="require-two-factor-title">Two-factor authentication</Text>
        {isOwner ? (
          <Switch checked={production.require_two_factor} disabled={busy} onChange={(e) => void toggle(e.currentTarget.checked)}
            label="Require it of owners and producers"
            description="While on, an owner or producer without two-factor authentication cannot change anything here." />
        ) : (
          <Text size="sm">
            {production.require_two_factor
              ? "This production requires two-factor authentication of its owners and producers."
              : "This production does not require two-factor authentication."}
          </Text>
        )}
        {error && (
          <Alert color="red">
            {error.message}{" "}
            {error.code === "two_factor_required" && <Anchor component={Link} to="/settings/account" underline="always">Account settings</Anchor>}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
