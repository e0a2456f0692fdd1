import { Alert, Badge, Button, Card, Container, Group, Modal, Progress, SimpleGrid, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { ApiError } from "../api/client";
import { post, useProductions } from "../api/hooks";
import { keys } from "../api/keys";
import type { Production } from "../api/types";
import { PageMain, PageTitle } from "../components/PageFrame";
import { TopBar } from "../components/TopBar";
import { eighths } from "../format";

/** The productions the user is on, and creating a new one. */
export function ProductionList() {
  const productions = useProductions();
  const [opened, { open, close }] = useDisclosure();
  return (
    <Container size="lg" py="md">
      <TopBar home />
      <PageMain>
        <Group justify="space-between" mb="lg">
          <PageTitle size="h1">Your productions</PageTitle>
          <Button onClick={open}>New production</Button>
        </Group>
        {productions.error && <Alert color="red">{productions.error.message}</Alert>}
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
          {productions.data?.map((p) => (
            <Card key={p.id} withBorder component={Link} to={`/productions/${p.id}/`} data-testid="production-card">
              <Group justify="space-between"><Text fw={700}>{p.title}</Text><Badge variant="light">{p.code}</Badge></Group>
              <Text size="sm" c="dimmed" lineClamp={2} mt={4}>{p.description}</Text>
              <Text size="sm" mt="sm">{p.stats.completed_scene_count}/{p.stats.scene_count} scenes · {eighths(p.stats.completed_eighths)} of {eighths(p.stats.total_eighths)} pages</Text>
              <Progress value={p.stats.completion_percent} mt="xs" aria-label={`${p.title}: scenes done`} />
              <Text size="xs" c="dimmed" mt="xs">Your role: {p.my_role?.replace("_", " ")}</Text>
            </Card>
          ))}
        </SimpleGrid>
        {productions.data?.length === 0 && <Text c="dimmed">You are not on any production yet. Create one, or ask a producer to add you.</Text>}
        <CreateProduction opened={opened} onClose={close} />
      </PageMain>
    </Container>
  );
}

function CreateProduction({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [error, setError] = useState<ApiError | null>(null);
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    const body = { ...form, start_date: form.start_date || null, end_date: form.end_date || null };
    try {
      const created = await post<Production>("/api/productions/", body);
      await qc.invalidateQueries({ queryKey: keys.productions });
      onClose();
      navigate(`/productions/${created.id}/`);
    } catch (err) {
      if (err instanceof ApiError) setError(err);
    }
  }
  return (
    <Modal opened={opened} onClose={onClose} title="New production">
      <form onSubmit={submit}>
        <Stack>
          {error && !Object.keys(error.fields).length && <Alert color="red">{error.message}</Alert>}
          <TextInput name="title" label="Title" required error={error?.fields.title} />
          <TextInput name="code" label="Code" placeholder="TOS-101" error={error?.fields.code} />
          <Textarea name="description" label="Description" error={error?.fields.description} />
          <Group grow>
            <TextInput name="start_date" type="date" label="First shoot day" error={error?.fields.start_date} />
            <TextInput name="end_date" type="date" label="Wrap" error={error?.fields.end_date ?? error?.fields.non_field_errors} />
          </Group>
          <Button type="submit">Create</Button>
        </Stack>
      </form>
    </Modal>
  );
}
