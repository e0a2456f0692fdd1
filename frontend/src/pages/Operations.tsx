// /operations: how the background work stands, for the owners and producers of productions (GET /api/operations/).
import { Alert, Anchor, Badge, Button, Card, Center, Container, Group, Loader, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconRefresh } from "@tabler/icons-react";
import { useRef, useState } from "react";
import { Link } from "react-router-dom";
import { ApiError } from "../api/client";
import {
  agoLabel, OPERATIONS_REFRESH_MS, retryRefusal, useOperations, useRetryJob,
  type Operations as OperationsData, type OperationsFailedJob, type ProductionJobCounts, type WorkerBeat,
} from "../api/operations";
import { PageMain, PageTitle } from "../components/PageFrame";
import { TopBar } from "../components/TopBar";
import { jobKindLabel, shortWhen, when } from "./media/format";

/** Workers with their heartbeats, the queue, each managed production's jobs and the failed ones to retry; asked again every few seconds. */
export function Operations() {
  const ops = useOperations();
  const forbidden = ops.error instanceof ApiError && ops.error.status === 403;
  return (
    <Container size="xl" py="md" data-testid="operations-page">
      <TopBar />
      <PageMain>
        <Group justify="space-between" align="baseline" mb="md">
          <PageTitle size="h1">Operations</PageTitle>
          {ops.data && (
            <Text size="sm" data-testid="operations-updated">
              <IconRefresh size={14} aria-hidden style={{ verticalAlign: "-2px" }} /> Updated {new Date(ops.dataUpdatedAt).toLocaleTimeString()}, every {OPERATIONS_REFRESH_MS / 1000} s
            </Text>
          )}
        </Group>
        {ops.isPending && <Center h={160}><Loader /><VisuallyHidden>Loading the operations overview</VisuallyHidden></Center>}
        {forbidden && <Alert color="yellow" title="Not yours to run" data-testid="operations-forbidden">{ops.error?.message}</Alert>}
        {ops.error && !forbidden && !ops.data && <Alert color="red" title="The operations overview could not be loaded">{ops.error.message}</Alert>}
        {ops.data && <Overview data={ops.data} />}
      </PageMain>
    </Container>
  );
}

function Overview({ data }: { data: OperationsData }) {
  return (
    <Stack gap="xl">
      {data.errors.length > 0 && (
        <Alert color="red" title="The job queue is not answering" data-testid="operations-errors">
          <Stack gap={4}>{data.errors.map((e) => <Text key={e} size="sm">{e}</Text>)}</Stack>
          <Text size="sm" mt="xs">Jobs cannot start or be retried until Redis answers again.</Text>
        </Alert>
      )}
      <Workers workers={data.workers} staleS={data.worker_stale_s} depth={data.queue_depth} />
      <ProductionCounts productions={data.productions} />
      <FailedJobs jobs={data.failed} />
    </Stack>
  );
}

function Workers({ workers, staleS, depth }: { workers: WorkerBeat[]; staleS: number; depth: number | null }) {
  const alive = workers.filter((w) => w.alive).length;
  return (
    <section aria-labelledby="operations-workers">
      <Title order={2} size="h3" id="operations-workers" mb="xs">Workers</Title>
      <Group gap="xl" mb="sm">
        <Text data-testid="operations-alive"><b>{alive}</b> of {workers.length} {workers.length === 1 ? "worker" : "workers"} alive</Text>
        <Text data-testid="operations-queue-depth" data-depth={depth ?? ""}>
          {depth == null ? "Jobs waiting in the queue: unknown" : <><b>{depth}</b> {depth === 1 ? "job" : "jobs"} waiting in the queue</>}
        </Text>
      </Group>
      {workers.length === 0 ? (
        <Alert color="orange" title="No worker has reported" data-testid="operations-no-workers">
          Background jobs wait until a worker runs (<code>manage.py run_huey</code>).
        </Alert>
      ) : (
        <Card withBorder padding={0}>
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr><Table.Th>Worker</Table.Th><Table.Th>State</Table.Th><Table.Th>Last seen</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {workers.map((w) => (
                <Table.Tr key={w.worker} data-testid="operations-worker" data-alive={w.alive}>
                  <Table.Td><Text size="sm" ff="monospace">{w.worker}</Text></Table.Td>
                  <Table.Td><Badge color={w.alive ? "green" : "orange"} variant="filled">{w.alive ? "Alive" : "Stale"}</Badge></Table.Td>
                  <Table.Td><Text size="sm">Last seen {agoLabel(w.last_seen_s)}</Text></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
      <Text size="sm" mt={6}>A worker is stale when it has not reported for {staleS} s.</Text>
    </section>
  );
}

function ProductionCounts({ productions }: { productions: ProductionJobCounts[] }) {
  return (
    <section aria-labelledby="operations-productions">
      <Title order={2} size="h3" id="operations-productions" mb="xs">Productions</Title>
      <Card withBorder padding={0}>
        <Table verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Production</Table.Th><Table.Th ta="right">Waiting</Table.Th><Table.Th ta="right">Running</Table.Th><Table.Th ta="right">Failed</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {productions.map((p) => (
              <Table.Tr key={p.id} data-testid="operations-production" data-production-id={p.id}>
                <Table.Td><Anchor component={Link} to={`/productions/${p.id}/jobs`} aria-label={`${p.title}: jobs`}>{p.title}</Anchor></Table.Td>
                <Table.Td ta="right" data-testid="count-pending">{p.pending}</Table.Td>
                <Table.Td ta="right" data-testid="count-running">{p.running}</Table.Td>
                <Table.Td ta="right" data-testid="count-failed" fw={p.failed ? 700 : undefined}>{p.failed}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </section>
  );
}

function FailedJobs({ jobs }: { jobs: OperationsFailedJob[] }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [status, setStatus] = useState("");
  const retried = (job: OperationsFailedJob) => {
    const what = `${jobKindLabel(job.kind)} in ${job.production_title}`;
    setStatus(`${what} was sent to run again.`);
    notifications.show({ color: "blue", title: "Retrying", message: `${what} was sent to run again: the Jobs page of its production follows it.` });
    heading.current?.focus(); // its row is gone: keep the keyboard in the list
  };
  return (
    <section aria-labelledby="operations-failed">
      <Title order={2} size="h3" id="operations-failed" mb="xs" ref={heading} tabIndex={-1}>Failed jobs ({jobs.length})</Title>
      <Text size="sm" role="status" data-testid="operations-retry-status" mb={status ? "xs" : 0}>{status}</Text>
      {jobs.length === 0 ? (
        <Text data-testid="operations-no-failed">No failed jobs.</Text>
      ) : (
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={880}>
            <Table verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Production</Table.Th><Table.Th>Job</Table.Th><Table.Th>Why it failed</Table.Th><Table.Th>Failed</Table.Th>
                  <Table.Th ta="right">Attempts</Table.Th><Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>{jobs.map((j) => <FailedJobRow key={j.id} job={j} onRetried={retried} />)}</Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      {jobs.length >= 100 && <Text size="sm" mt={6}>The 100 newest failed jobs are shown.</Text>}
    </section>
  );
}

function FailedJobRow({ job, onRetried }: { job: OperationsFailedJob; onRetried: (job: OperationsFailedJob) => void }) {
  const retry = useRetryJob(job, () => onRetried(job));
  return (
    <Table.Tr data-testid="operations-failed-job" data-job-id={job.id} data-kind={job.kind}>
      <Table.Td><Anchor component={Link} to={`/productions/${job.production}/jobs`}>{job.production_title}</Anchor></Table.Td>
      <Table.Td>
        <Text size="sm" fw={500}>{jobKindLabel(job.kind)}</Text>
        <Text size="xs" ff="monospace">{job.kind}</Text>
      </Table.Td>
      <Table.Td maw={420}>
        <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} data-testid="operations-failed-error">{job.error || "No reason was recorded."}</Text>
      </Table.Td>
      <Table.Td><Text size="sm" title={when(job.finished_at)} style={{ whiteSpace: "nowrap" }}>{shortWhen(job.finished_at ?? job.updated_at)}</Text></Table.Td>
      <Table.Td ta="right">{job.attempts}</Table.Td>
      <Table.Td>
        {job.retryable ? (
          <Button variant="filled" loading={retry.isPending} onClick={() => retry.mutate()}
            aria-label={`Retry ${jobKindLabel(job.kind)} in ${job.production_title}`} data-testid="operations-retry">
            Retry
          </Button>
        ) : (
          <Text size="sm">Start it again where it was made</Text>
        )}
        {retry.error && <Text size="sm" c="red" mt={4} role="alert" maw={260} data-testid="operations-retry-error">{retryRefusal(retry.error)}</Text>}
      </Table.Td>
    </Table.Tr>
  );
}
