// Account settings' "Time zone": the zone every time on screen is shown in (PATCH /api/auth/account/ `time_zone`);
// empty follows the browser's.
import { Button, Card, Group, Select, Stack, Text, Title } from "@mantine/core";
import { notifications as toasts } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api, type ApiError } from "../../api/client";
import { keys } from "../../api/keys";
import type { User } from "../../api/types";
import { browserTimeZone, timeZoneNames } from "../../time/zone";

export function TimeZoneSection({ user }: { user: User }) {
  const qc = useQueryClient();
  const [zone, setZone] = useState<string | null>(user.time_zone || null);
  const names = useMemo(() => {
    const all = timeZoneNames();
    return user.time_zone && !all.includes(user.time_zone) ? [user.time_zone, ...all] : all;
  }, [user.time_zone]);
  const save = useMutation<User, ApiError, string>({
    mutationFn: (time_zone) => api<User>("/api/auth/account/", { method: "PATCH", json: { time_zone } }),
    onSuccess: (next) => {
      qc.setQueryData(keys.me, next);
      toasts.show({ color: "green", title: "Time zone saved", message: next.time_zone ? `Times show in ${next.time_zone}.` : "Times follow this browser." });
    },
  });
  return (
    <Card withBorder component="section" aria-labelledby="account-tz-title" data-testid="time-zone-section">
      <Stack>
        <Title order={2} size="h3" id="account-tz-title">Time zone</Title>
        <Text size="sm">Times in Slate are shown in this zone. Left empty, they follow this browser ({browserTimeZone()}).</Text>
        <Select label="Time zone" placeholder={`Browser's (${browserTimeZone()})`} data={names} value={zone} onChange={setZone}
          searchable clearable nothingFoundMessage="No such zone" limit={50} error={save.error?.fields.time_zone ?? save.error?.message}
          data-testid="time-zone" />
        <Group><Button onClick={() => save.mutate(zone ?? "")} loading={save.isPending}>Save time zone</Button></Group>
      </Stack>
    </Card>
  );
}
