// A job's live progress: bar, status and message, from the ['jobs', production] cache that job.progress patches.
import { Badge, Group, Progress, Stack, Text } from "@mantine/core";
import type { Job } from "../../api/types";
import { statusColor } from "../../format";
import { isActiveJob, percent } from "./format";

/** The bar carries `data-testid={testId}`, `data-status` and `data-progress` (0–1). */
export function JobProgress({ job, testId, label, compact = false }: { job: Job; testId: string; label?: string; compact?: boolean }) {
  const active = isActiveJob(job);
  const value = job.status === "succeeded" ? 100 : percent(job.progress);
  const color = job.status === "failed" ? "red" : job.status === "cancelled" ? "gray" : job.status === "succeeded" ? "green" : "blue";
  return (
    <Stack gap={4}>
      {!compact && (
        <Group justify="space-between" wrap="nowrap">
          <Text size="sm" fw={500} style={{ flex: 1, minWidth: 0 }}>{label ?? job.kind}</Text>
          <Badge color={statusColor[job.status]} variant="light" data-testid="job-status" style={{ flexShrink: 0, overflow: "visible" }}>{job.status}</Badge>
        </Group>
      )}
      <Progress data-testid={testId} data-status={job.status} data-progress={job.progress}
        value={value} color={color} striped={active} animated={job.status === "running"} size={compact ? "sm" : "md"}
        aria-label={`${label ?? job.kind}: ${value}%`} />
      <Text size="xs" c="dimmed" lineClamp={1}>{active ? `${value}% · ${job.message || "Waiting for a worker"}` : job.message}</Text>
      {job.status === "failed" && job.error && <Text size="sm" c="red" data-testid="job-error">{job.error}</Text>}
    </Stack>
  );
}
