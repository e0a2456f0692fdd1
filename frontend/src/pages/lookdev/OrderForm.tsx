// A new generation order: the machine, a field per parameter of its schema (each accepting ranges and lists, `1-4`,
// `3|5|7`), what it is for (a shot, a scene, a location, a character), a live preview of the item count and the
// estimated cost, with the server's refusals shown on the field they name.
import { Alert, Autocomplete, Badge, Button, Card, Group, List, ScrollArea, Select, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconSparkles } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useNavigate, useSearchParams } from "react-router-dom";
import { post, useCharacters, useLocations, useScenes } from "../../api/hooks";
import {
  defaultText, lookdevKeys, orderErrors, parameterHint, parameterValue, providerVariable, storeOrder, TARGET_KINDS, usd, useMachines,
  type GenerationOrder, type Machine, type OrderBody, type OrderPreview, type ParameterSchema, type TargetKind,
} from "../../api/lookdev";
import type { Id } from "../../api/types";
import { AiOff } from "../ai/AiOff";
import { notConfiguredVariable } from "../ai/status";
import { humanize, useProductionShots } from "./parts";

/** How long the form waits after the last keystroke before asking for a preview. */
export const PREVIEW_DELAY_MS = 400;

/** The order's body from the form: each parameter of the machine's schema that has a value, and the target. */
export function orderBody(production: Id, machine: Machine, texts: Record<string, string>, target: string | null): OrderBody {
  const parameters: OrderBody["parameters"] = {};
  for (const [name, schema] of Object.entries(machine.parameters)) {
    const value = parameterValue(schema, texts[name] ?? defaultText(schema));
    if (value !== undefined) parameters[name] = value;
  }
  const body: OrderBody = { production, machine: machine.id, parameters };
  const [kind, id] = (target ?? "").split(":");
  if (kind && TARGET_KINDS.includes(kind as TargetKind) && Number(id) > 0) body[kind as TargetKind] = Number(id);
  return body;
}

export function OrderForm({ production }: { production: Id }) {
  const machines = useMachines();
  const [search] = useSearchParams();
  const initialTarget = TARGET_KINDS.map((k) => (search.get(k) ? `${k}:${search.get(k)}` : null)).find(Boolean) ?? null;
  const [machineId, setMachineId] = useState<string | null>(search.get("machine"));
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [target, setTarget] = useState<string | null>(initialTarget);
  const machine = machines.data?.find((m) => m.id === machineId) ?? machines.data?.[0];

  if (machines.error) return <Alert color="red" role="alert">{machines.error.message}</Alert>;
  if (!machines.data) return <Text c="dimmed">Loading the machines…</Text>;
  if (!machine) return <Text c="dimmed">No machine is in the server's catalogue.</Text>;
  return (
    <Stack gap="md" data-testid="order-form" data-machine={machine.id}>
      <Title order={2} size="h3">New order</Title>
      <Select label="Machine" description="The provider and model that makes the items; the fields below follow its parameters."
        data={machines.data.map((m) => ({ value: m.id, label: `${m.label}${m.configured ? "" : " — not configured"}` }))}
        value={machine.id} onChange={(v) => v && setMachineId(v)} allowDeselect={false} data-testid="order-machine" />
      <Text size="sm" c="dimmed" data-testid="order-machine-info">
        {machine.modality} · {machine.provider} <Text span ff="monospace" size="xs">{machine.model}</Text>
        {machine.usd_per_item != null ? ` · about ${usd(machine.usd_per_item)} an item` : ""}
      </Text>
      {!machine.configured && <AiOff feature={`${machine.label}`} variable={providerVariable(machine)} />}
      <MachineFields key={machine.id} production={production} machine={machine} texts={texts} setTexts={setTexts} target={target} setTarget={setTarget} />
    </Stack>
  );
}

function MachineFields({ production, machine, texts, setTexts, target, setTarget }: {
  production: Id; machine: Machine; texts: Record<string, string>; setTexts: (update: (old: Record<string, string>) => Record<string, string>) => void;
  target: string | null; setTarget: (target: string | null) => void;
}) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const body = useMemo(() => orderBody(production, machine, texts, target), [production, machine, texts, target]);
  const [debounced] = useDebouncedValue(body, PREVIEW_DELAY_MS);
  // Counted once every required parameter has a value (an empty prompt is not worth a refusal on the field yet).
  const missing = Object.entries(machine.parameters).filter(([name, schema]) => schema.required && body.parameters[name] === undefined).map(([name]) => name);
  const preview = useQuery({
    queryKey: lookdevKeys.preview(debounced),
    queryFn: () => post<OrderPreview>("/api/generation-orders/preview/", debounced),
    enabled: missing.length === 0, retry: false, staleTime: 60_000, placeholderData: (previous) => previous,
  });
  const submit = useMutation({
    mutationFn: () => post<GenerationOrder>("/api/generation-orders/", body),
    onSuccess: (order) => { storeOrder(qc, order); navigate(`../orders/${order.id}`); },
  });
  const stale = debounced !== body;
  // The submit's refusal names fields until the form changes; else the preview's (for the body it was asked for).
  const errors = submit.error ? orderErrors(submit.error) : preview.error && !preview.isFetching ? orderErrors(preview.error) : {};
  const offVariable = notConfiguredVariable(submit.error);
  const set = (name: string, value: string) => { submit.reset(); setTexts((old) => ({ ...old, [name]: value })); };
  const unplaced = Object.entries(errors).filter(([name]) => !(name in machine.parameters) && !TARGET_KINDS.includes(name as TargetKind))
    .map(([, message]) => message);
  const targetError = TARGET_KINDS.map((k) => errors[k]).find(Boolean);
  const count = preview.data && !preview.error && missing.length === 0 ? preview.data : null;

  return (
    <Stack gap="md">
      {Object.entries(machine.parameters).map(([name, schema]) => (
        <ParameterField key={name} name={name} schema={schema} value={texts[name] ?? defaultText(schema)} error={errors[name]} onChange={(v) => set(name, v)} />
      ))}
      <TargetSelect production={production} value={target} onChange={(v) => { submit.reset(); setTarget(v); }} error={targetError} />
      {offVariable !== null && (
        <Alert color="gray" role="alert" data-testid="order-not-configured" data-variable={offVariable}>
          {submit.error?.message} {offVariable && <>Set <Text span ff="monospace">{offVariable}</Text> on the server.</>}
        </Alert>
      )}
      {offVariable === null && unplaced.length > 0 && <Alert color="red" role="alert" data-testid="order-error">{unplaced.join(" ")}</Alert>}
      <Card withBorder padding="sm">
        <Group justify="space-between" align="center" wrap="wrap">
          <Text role="status" aria-live="polite" data-testid="order-preview" data-count={count?.count ?? ""} data-pending={preview.isFetching || stale || undefined}>
            {count
              ? <><b>{count.count}</b> item{count.count === 1 ? "" : "s"} · estimated {usd(count.estimated_cost_usd)}</>
              : missing.length ? `Fill in ${missing.map(humanize).join(", ").toLowerCase()} to see the count.`
              : preview.error ? "Fix the fields marked to see the count." : "Counting the items…"}
          </Text>
          <Button leftSection={<IconSparkles size={16} />} onClick={() => submit.mutate()} loading={submit.isPending}
            disabled={!machine.configured || Object.keys(errors).length > 0 && !submit.error} data-testid="order-submit">
            Order{count ? ` ${count.count} item${count.count === 1 ? "" : "s"}` : ""}
          </Button>
        </Group>
        {count && count.items.length > 0 && (
          <ScrollArea.Autosize mah={200} mt="xs">
            <List size="sm" spacing={2} type="ordered" data-testid="order-preview-items">
              {count.items.map((item) => (
                <List.Item key={item.index}>
                  {Object.entries(item.parameters).filter(([k]) => k !== "prompt").map(([k, v]) => (
                    <Badge key={k} size="xs" variant="outline" color="gray" tt="none" mr={4}>{humanize(k)}: {String(v)}</Badge>
                  ))}
                  {typeof item.parameters.prompt === "string" && <Text span size="xs">{item.parameters.prompt}</Text>}
                </List.Item>
              ))}
            </List>
          </ScrollArea.Autosize>
        )}
      </Card>
    </Stack>
  );
}

/** One parameter: a text field that takes a value, a range (`1-4`) or a list (`3|5|7`); enums and booleans suggest their values. */
function ParameterField({ name, schema, value, error, onChange }: { name: string; schema: ParameterSchema; value: string; error?: string; onChange: (v: string) => void }) {
  const common = {
    label: schema.label ?? humanize(name), description: schema.description ? `${schema.description} ${parameterHint(schema)}` : parameterHint(schema),
    error, withAsterisk: !!schema.required, "data-testid": `param-${name}`, "data-param": name,
  };
  if (schema.type === "string" && (name === "prompt" || (schema.max_length ?? 1000) > 200)) {
    return <Textarea {...common} autosize minRows={2} maxRows={8} value={value} onChange={(e) => onChange(e.currentTarget.value)} />;
  }
  if (schema.type === "enum" || schema.type === "boolean") {
    const options = schema.type === "enum" ? schema.values ?? [] : ["true", "false", "true|false"];
    return <Autocomplete {...common} data={options} value={value} onChange={onChange} placeholder={defaultText(schema)} />;
  }
  return <TextInput {...common} value={value} onChange={(e) => onChange(e.currentTarget.value)} placeholder={defaultText(schema)} />;
}

/** What the order is for: a shot, a scene, a location or a character of the production (or nothing). */
function TargetSelect({ production, value, onChange, error }: { production: Id; value: string | null; onChange: (v: string | null) => void; error?: string }) {
  const { shots, label } = useProductionShots(production);
  const scenes = useScenes(production).data ?? [];
  const locations = useLocations(production).data ?? [];
  const characters = useCharacters(production).data ?? [];
  const groups = [
    { group: "Shots", items: shots.map((s) => ({ value: `shot:${s.id}`, label: label(s) })) },
    { group: "Scenes", items: scenes.map((s) => ({ value: `scene:${s.id}`, label: `Scene ${s.number} — ${s.slugline || s.location}` })) },
    { group: "Locations", items: locations.map((l) => ({ value: `location:${l.id}`, label: l.name })) },
    { group: "Characters", items: characters.map((c) => ({ value: `character:${c.id}`, label: c.name })) },
  ].filter((g) => g.items.length > 0);
  // A target from the link (?shot=12) is kept while its list loads.
  const known = value === null || groups.some((g) => g.items.some((i) => i.value === value));
  const data = known ? groups : [...groups, { group: "Chosen", items: [{ value: value as string, label: (value as string).replace(":", " ") }] }];
  return (
    <Select label="For" description="A shot's products are offered as its storyboard frames." placeholder="Nothing in particular" data={data} value={value}
      onChange={onChange} clearable searchable error={error} data-testid="order-target" />
  );
}
