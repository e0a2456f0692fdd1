import { Alert, Anchor, Badge, Button, Card, Group, Progress, SegmentedControl, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router-dom";
import { ApiError } from "../api/client";
import { post, useJobs, useProduction } from "../api/hooks";
import { keys } from "../api/keys";
import { retryRefusal, useRetryJob } from "../api/operations";
import type { Id, Job } from "../api/types";
import { statusColor } from "../format";
import { useProductionId } from "../hooks/useProductionId";
import { isActiveJob, jobDuration, jobKindLabel, percent, shortWhen, when } from "./media/format";
import { PageTitle } from "../components/PageFrame";

type Filter = "all" | "active" | "failed";

/** Every background job of the production, live, with cancellation of the ones still waiting or running and a retry of failed ones. */
export function Jobs() {
  const id = useProductionId();
  const jobs = useJobs(id);
  const production = useProduction(id).data;
  const canWrite = !!production && production.my_role !== "viewer";
  const [filter, setFilter] = useState<Filter>("all");
  const all = jobs.data ?? [];
  const shown = all.filter((j) => filter === "all" || (filter === "active" ? isActiveJob(j) : j.status === "failed"));
  const activeCount = all.filter(isActiveJob).length;
  return (
    <Stack>
      <Group justify="space-between">
        <PageTitle>Jobs</PageTitle>
        <SegmentedControl value={filter} onChange={(v) => setFilter(v as Filter)} data-testid="jobs-filter" data={[
          { value: "all", label: `All (${all.length})` },
          { value: "active", label: `Waiting or running (${activeCount})` },
          { value: "failed", label: `Failed (${all.filter((j) => j.status === "failed").length})` },
        ]} />
      </Group>
      {jobs.error && <Alert color="red">{jobs.error.message}</Alert>}
      {jobs.isPending && <Text c="dimmed">Loading jobs…</Text>}
      {jobs.data && shown.length === 0 && <Text c="dimmed" data-testid="jobs-empty">{filter === "all" ? "No jobs yet: uploading dailies or a screenplay starts one." : "None."}</Text>}
      {shown.length > 0 && (
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={900}>
            <Table verticalSpacing="sm" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Job</Table.Th><Table.Th w={120}>Status</Table.Th><Table.Th w={260}>Progress</Table.Th>
                  <Table.Th>Attempts</Table.Th><Table.Th>Created</Table.Th><Table.Th>Started</Table.Th><Table.Th>Finished</Table.Th><Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>{shown.map((j) => <JobRow key={j.id} production={id} productionTitle={production?.title ?? "this production"} canWrite={canWrite} job={j} />)}</Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      {all.length >= 100 && <Text size="xs" c="dimmed">The 100 newest jobs are shown.</Text>}
    </Stack>
  );
}

/** Where the job's object lives in Slate, from its params. */
function subject(production: Id, job: Job): { to: string; label: string } | null {
  const asset = job.params.asset_id ?? job.result.asset_id;
  if (typeof asset === "number") return { to: `/productions/${production}/dailies/${asset}`, label: "Open clip" };
  if (typeof job.params.script_id === "number") return { to: `/productions/${production}/script`, label: "Open screenplay" };
  return null;
}

function JobRow({ production, productionTitle, canWrite, job }: { production: Id; productionTitle: string; canWrite: boolean; job: Job }) {
  const qc = useQueryClient();
  const retry = useRetryJob(job);
  const cancel = useMutation({
    mutationFn: () => post<Job>(`/api/jobs/${job.id}/cancel/`, {}),
    onSuccess: (saved) => {
      qc.setQueryData<Job[]>(keys.jobs(production), (old) => old?.map((j) => (j.id === saved.id && Date.parse(saved.updated_at) >= Date.parse(j.updated_at) ? saved : j)));
      notifications.show({ color: "gray", title: "Cancelling", message: saved.status === "cancelled" ? `${jobKindLabel(saved.kind)} cancelled.` : `${jobKindLabel(saved.kind)} stops at its next step.` });
    },
    onError: (e) => {
      const title = e instanceof ApiError && e.status === 403 ? "Not allowed" : e instanceof ApiError && e.code === "not_cancellable" ? "Already finished" : "Could not cancel";
      notifications.show({ color: "red", title, message: e.message || "The job could not be cancelled." });
    },
  });
  const active = isActiveJob(job);
  const link = subject(production, job);
  const value = job.status === "succeeded" ? 100 : percent(job.progress);
  return (
    <Table.Tr data-testid="job-row" data-job-id={job.id} data-status={job.status} data-progress={job.progress}>
      <Table.Td>
        <Text fw={500} size="sm">{jobKindLabel(job.kind)}</Text>
        <Text size="xs" c="dimmed" ff="monospace">{job.kind}</Text>
        {link && <Anchor component={Link} to={link.to} size="xs">{link.label}</Anchor>}
      </Table.Td>
      <Table.Td><Badge color={statusColor[job.status]} variant="light" data-testid="job-status" style={{ flexShrink: 0, overflow: "visible" }}>{job.status}</Badge></Table.Td>
      <Table.Td>
        <Progress value={value} data-testid="job-row-progress" data-progress={job.progress} striped={active} animated={job.status === "running"}
          color={job.status === "failed" ? "red" : job.status === "succeeded" ? "green" : job.status === "cancelled" ? "gray" : "blue"} aria-label={`${value}%`} />
        <Text size="xs" c="dimmed" mt={4} lineClamp={2} data-testid="job-message">
          {active ? `${value}% · ` : ""}{job.message}{job.cancel_requested && active ? " · cancel requested" : ""}
        </Text>
        {job.status === "failed" && job.error && <Text size="sm" c="red" mt={4} data-testid="job-error" style={{ whiteSpace: "pre-wrap" }}>{job.error}</Text>}
      </Table.Td>
      <Table.Td>{job.attempts}</Table.Td>
      <Table.Td><Text size="sm" title={when(job.created_at)} style={{ whiteSpace: "nowrap" }}>{shortWhen(job.created_at)}</Text></Table.Td>
      <Table.Td><Text size="sm" title={when(job.started_at)} style={{ whiteSpace: "nowrap" }}>{shortWhen(job.started_at)}</Text></Table.Td>
      <Table.Td><Text size="sm" title={when(job.finished_at)} style={{ whiteSpace: "nowrap" }}>{shortWhen(job.finished_at)}</Text>{job.started_at && <Text size="xs" c="dimmed">{jobDuration(job)}</Text>}</Table.Td>
      <Table.Td>
        {active && (
          <Button variant="light" color="red" loading={cancel.isPending} disabled={job.cancel_requested}
            onClick={() => cancel.mutate()} data-testid="job-cancel">
            {job.cancel_requested ? "Cancelling…" : "Cancel"}
          </Button>
        )}
        {canWrite && job.status === "failed" && job.retryable && (
          <Button variant="light" loading={retry.isPending} onClick={() => retry.mutate()} data-testid="job-retry"
            aria-label={`Retry ${jobKindLabel(job.kind)} in ${productionTitle}`}>
            Retry
          </Button>
        )}
        {retry.error && job.status === "failed" && <Text size="sm" c="red" mt={4} role="alert" data-testid="job-retry-error">{retryRefusal(retry.error)}</Text>}
      </Table.Td>
    </Table.Tr>
  );
}
