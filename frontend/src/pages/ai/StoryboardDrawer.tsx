// Storyboard frames of one shot: a prompt template (tokens, choices, seeds), its preview, an order to fal.ai, the frames made.
import {
  ActionIcon, Alert, AspectRatio, Badge, Box, Button, Card, Code, Drawer, Group, Image, List, Loader, ScrollArea, Select, SimpleGrid, Stack, Text,
  TextInput, Textarea, Title, Tooltip,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDeviceFloppy, IconEye, IconPalette, IconPhoto, IconSparkles, IconStar, IconStarFilled } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { ApiError } from "../../api/client";
import { del, patch, post, useAiStatus, useJobs, useShotImages, useStoryboardFavourites, useStoryboardTemplates } from "../../api/hooks";
import { keys } from "../../api/keys";
import type { Job, MediaAsset, Shot, StoryboardFavourite, StoryboardPreview, StoryboardTemplate } from "../../api/types";
import { BoardVsShot } from "../lookdev/BoardVsShot";
import { seedJob } from "../media/cache";
import { JobProgress } from "../media/JobProgress";
import { renditionOf } from "../media/format";
import { putInList } from "../scene/cache";
import { AiOff } from "./AiOff";
import { appendLog, DEFAULT_TEMPLATE, jobToShow, notConfiguredVariable, STORYBOARD_KIND } from "./status";

type Fields = { template: string; style: string; seeds: string };
const TOKENS = ["{shot.type}", "{shot.lens_mm}", "{shot.movement}", "{shot.description}", "{scene.location}", "{scene.time_of_day}", "{scene.int_ext}", "{scene.slugline}", "{style}"];
const failMessage = (e: unknown) => (e instanceof ApiError ? e.message : "The server could not be reached. Try again.");

export function StoryboardDrawer({ shot, opened, onClose }: { shot: Shot; opened: boolean; onClose: () => void }) {
  return (
    <Drawer opened={opened} onClose={onClose} position="right" size="xl" title={`Storyboard · shot ${shot.number}`}
      data-testid="storyboard-drawer">
      {opened && <StoryboardBody shot={shot} />}
    </Drawer>
  );
}

function StoryboardBody({ shot }: { shot: Shot }) {
  const qc = useQueryClient();
  const production = shot.production;
  const status = useAiStatus();
  const templates = useStoryboardTemplates(production);
  const jobs = useJobs(production).data;
  const [fields, setFields] = useState<Fields>({ template: DEFAULT_TEMPLATE, style: "pencil sketch, storyboard frame", seeds: "1-3" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<StoryboardPreview | null>(null);
  const [busy, setBusy] = useState<"preview" | "generate" | "template" | null>(null);
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [templateName, setTemplateName] = useState("");
  const [mine, setMine] = useState<string | null>(null);
  const [offVariable, setOffVariable] = useState<string | null>(null);
  const job = jobToShow(jobs, mine, (j) => j.kind === STORYBOARD_KIND && j.params.shot_id === shot.id);
  const running = job?.status === "pending" || job?.status === "running";
  const feature = status.data?.storyboards;
  const off = !status.isPending && (!feature?.configured || offVariable !== null);
  const selected = templates.data?.find((t) => String(t.id) === templateId);

  const set = (k: keyof Fields, v: string) => { setFields((f) => ({ ...f, [k]: v })); setPreview(null); };
  const body = () => ({ shot: shot.id, template: fields.template, style: fields.style, seeds: fields.seeds });
  function fail(e: unknown, what: string) {
    if (e instanceof ApiError && Object.keys(e.fields).length) { setErrors(e.fields); return; }
    notifications.show({ color: "red", title: what, message: failMessage(e) });
  }

  async function runPreview() {
    setBusy("preview");
    setErrors({});
    try { setPreview(await post<StoryboardPreview>("/api/ai/storyboards/preview/", body())); }
    catch (e) { setPreview(null); fail(e, "No preview"); }
    finally { setBusy(null); }
  }

  async function generate() {
    setBusy("generate");
    setErrors({});
    try {
      const { job: started } = await post<{ job: Job; count: number }>("/api/ai/storyboards/", body());
      seedJob(qc, production, started);
      setMine(started.id);
    } catch (e) {
      const variable = notConfiguredVariable(e);
      if (variable !== null) setOffVariable(variable); else fail(e, "The storyboard did not start");
    } finally { setBusy(null); }
  }

  const storeTemplate = (t: StoryboardTemplate) => putInList(qc, keys.storyboardTemplates(production), t, (x) => x.name.toLowerCase());
  async function saveTemplate(update: boolean) {
    setBusy("template");
    setErrors({});
    try {
      const saved = update && selected
        ? await patch<StoryboardTemplate>(`/api/storyboard-templates/${selected.id}/`, { ...fields, version: selected.version })
        : await post<StoryboardTemplate>("/api/storyboard-templates/", { production, name: templateName.trim(), ...fields });
      storeTemplate(saved);
      setTemplateId(String(saved.id));
      setTemplateName("");
      notifications.show({ color: "green", message: `Template “${saved.name}” saved.` });
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.extra.current) {
        storeTemplate(e.extra.current as StoryboardTemplate);
        notifications.show({ color: "yellow", title: "Someone else changed this template", message: "Their version is loaded in the list; pick it again or save yours under a new name." });
      } else fail(e, "The template was not saved");
    } finally { setBusy(null); }
  }

  function pick(id: string | null) {
    setTemplateId(id);
    const t = templates.data?.find((x) => String(x.id) === id);
    if (t) { setFields({ template: t.template, style: t.style, seeds: t.seeds || "1" }); setPreview(null); setErrors({}); }
  }

  return (
    <Stack gap="md" data-testid="storyboard" data-shot-id={shot.id}>
      <Text size="sm" c="dimmed">
        {shot.type}{shot.lens_mm != null ? `, ${shot.lens_mm} mm` : ""}{shot.description ? ` — ${shot.description}` : ""}
      </Text>
      <Group align="flex-end" gap="xs" wrap="wrap">
        <Select label="Saved templates" placeholder={templates.data?.length ? "Pick a template" : "None saved yet"} data={(templates.data ?? []).map((t) => ({ value: String(t.id), label: t.name }))}
          value={templateId} onChange={pick} clearable searchable style={{ flex: 1, minWidth: 200 }} data-testid="storyboard-template-select" />
        {selected && (
          <Button variant="default" onClick={() => void saveTemplate(true)} loading={busy === "template"} data-testid="storyboard-template-update">Update “{selected.name}”</Button>
        )}
      </Group>
      <Textarea label="Prompt template" autosize minRows={3} maxRows={8} value={fields.template} onChange={(e) => set("template", e.currentTarget.value)}
        error={errors.template} data-testid="storyboard-template"
        description={<>Tokens: {TOKENS.map((t) => <Code key={t} mr={4}>{t}</Code>)} Choices: <Code>{"{dusk|dawn}"}</Code> or <Code>{"{lighting: hard|soft}"}</Code>.</>} />
      <Group grow align="flex-start" wrap="wrap">
        <TextInput label="Style" placeholder="noir|pastel" description="For {style}; “a|b” makes one frame of each." value={fields.style}
          onChange={(e) => set("style", e.currentTarget.value)} error={errors.style} data-testid="storyboard-style" miw={200} />
        <TextInput label="Seeds" placeholder="1-3,7" description="One frame per seed (and per choice)." value={fields.seeds}
          onChange={(e) => set("seeds", e.currentTarget.value)} error={errors.seeds} data-testid="storyboard-seeds" miw={140} />
      </Group>
      <Group gap="xs" align="flex-end" wrap="wrap">
        <TextInput placeholder="Template name" aria-label="Template name" value={templateName} onChange={(e) => setTemplateName(e.currentTarget.value)}
          error={errors.name} data-testid="storyboard-template-name" style={{ flex: 1, minWidth: 180 }} />
        <Button variant="default" leftSection={<IconDeviceFloppy size={16} />} onClick={() => void saveTemplate(false)} loading={busy === "template"}
          disabled={!templateName.trim()} data-testid="storyboard-template-save">Save as template</Button>
      </Group>
      {errors.non_field_errors && <Alert color="red">{errors.non_field_errors}</Alert>}
      <Group justify="flex-end" gap="xs">
        <Button variant="light" leftSection={<IconEye size={16} />} onClick={() => void runPreview()} loading={busy === "preview"} data-testid="storyboard-preview">
          Preview
        </Button>
        <Button leftSection={<IconSparkles size={16} />} onClick={() => void generate()} loading={busy === "generate"} disabled={off || running || status.isPending}
          data-testid="storyboard-generate">
          Generate{preview ? ` ${preview.count} frame${preview.count === 1 ? "" : "s"}` : ""}
        </Button>
      </Group>
      {off && <AiOff feature="Storyboard generation" variable={offVariable || feature?.variable || "FAL_KEY"} />}
      {preview && <PreviewList preview={preview} />}
      {job && <OrderProgress job={job} shotId={shot.id} />}
      <Frames shot={shot} />
      <BoardVsShot shot={shot.id} />
      <Button component={Link} to={`/productions/${production}/lookdev/new?shot=${shot.id}`} variant="default" leftSection={<IconPalette size={16} />}
        data-testid="storyboard-lookdev-order">
        Order look development for this shot
      </Button>
    </Stack>
  );
}

function PreviewList({ preview }: { preview: StoryboardPreview }) {
  return (
    <Card withBorder padding="sm" data-testid="storyboard-preview-list" data-count={preview.count}>
      <Text fw={600} size="sm" mb={4} data-testid="storyboard-count">{preview.count} frame{preview.count === 1 ? "" : "s"} would be made:</Text>
      <ScrollArea.Autosize mah={260}>
        <List size="sm" spacing={4} type="ordered">
          {preview.items.map((item, i) => (
            <List.Item key={i} data-testid="storyboard-prompt">
              <Text size="sm" span>{item.prompt}</Text>{" "}
              <Badge size="xs" variant="light" color="gray">seed {item.seed}</Badge>
              {Object.entries(item.choices).map(([k, v]) => <Badge key={k} size="xs" variant="outline" ml={4}>{k}: {v}</Badge>)}
            </List.Item>
          ))}
        </List>
      </ScrollArea.Autosize>
    </Card>
  );
}

/** The order's live progress: the bar, and what fal.ai reports (queue position, the model's log lines) as a short log. */
function OrderProgress({ job, shotId }: { job: Job; shotId: number }) {
  const qc = useQueryClient();
  const [log, setLog] = useState<string[]>([]);
  useEffect(() => { setLog((old) => appendLog(old, job.message)); }, [job.message]);
  useEffect(() => {
    if (job.status === "succeeded") void qc.invalidateQueries({ queryKey: keys.shotImages(shotId) });
  }, [job.status, qc, shotId]);
  return (
    <Card withBorder padding="sm" data-testid="storyboard-job">
      <JobProgress job={job} testId="storyboard-job-progress" label="Storyboard frames (fal.ai)" />
      {log.length > 0 && (
        <Box component="pre" data-testid="storyboard-log" mt={6} mb={0}
          style={{ fontFamily: "var(--mantine-font-family-monospace)", fontSize: 11, whiteSpace: "pre-wrap", maxHeight: 140, overflowY: "auto", margin: 0 }}>
          {log.join("\n")}
        </Box>
      )}
    </Card>
  );
}

function Frames({ shot }: { shot: Shot }) {
  const images = useShotImages(shot.id);
  const favourites = useStoryboardFavourites(shot.production);
  const list = (images.data ?? []).filter((a) => a.kind === "image" && a.shot === shot.id);
  const byAsset = new Map((favourites.data ?? []).map((f) => [f.media_asset, f]));
  return (
    <Stack gap="xs" data-testid="storyboard-frames" data-count={list.length}>
      <Group gap="xs"><IconPhoto size={18} /><Title order={3} size="h5">Frames of this shot</Title>{list.length > 0 && <Badge variant="light">{list.length}</Badge>}</Group>
      {images.isPending && <Loader size="sm" />}
      {images.error && <Alert color="red">{images.error.message}</Alert>}
      {images.data && list.length === 0 && <Text size="sm" c="dimmed">No frames yet: preview a template, then generate.</Text>}
      <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="xs">
        {list.map((asset) => <Frame key={asset.id} asset={asset} favourite={byAsset.get(asset.id)} />)}
      </SimpleGrid>
    </Stack>
  );
}

function Frame({ asset, favourite }: { asset: MediaAsset; favourite: StoryboardFavourite | undefined }) {
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const src = renditionOf(asset, "poster")?.url ?? asset.original_url;
  const prompt = "prompt" in asset.generation ? asset.generation.prompt : undefined;
  const seed = "seed" in asset.generation ? asset.generation.seed : undefined;
  async function toggle() {
    setBusy(true);
    const key = keys.storyboardFavourites(asset.production);
    try {
      if (favourite) {
        await del(`/api/storyboard-favourites/${favourite.id}/`);
        qc.setQueryData<StoryboardFavourite[]>(key, (old) => old?.filter((f) => f.id !== favourite.id));
      } else {
        putInList(qc, key, await post<StoryboardFavourite>("/api/storyboard-favourites/", { media_asset: asset.id }));
      }
    } catch (e) {
      notifications.show({ color: "red", title: "Favourite not changed", message: failMessage(e) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <Card withBorder padding={4} data-testid="storyboard-image" data-asset-id={asset.id} data-favourite={favourite ? true : undefined}>
      <Box pos="relative">
        <AspectRatio ratio={(asset.width && asset.height) ? asset.width / asset.height : 16 / 9}>
          <Image src={src} alt={prompt ?? asset.original_name} fit="cover" radius="sm" loading="lazy" />
        </AspectRatio>
        <Tooltip label={favourite ? "Remove from favourites" : "Mark as favourite"}>
          <ActionIcon pos="absolute" top={4} right={4} variant="filled" color={favourite ? "yellow" : "dark"} size={32} loading={busy}
            aria-label={favourite ? "Remove from favourites" : "Mark as favourite"} aria-pressed={!!favourite} onClick={() => void toggle()}
            data-testid="storyboard-favourite">
            {favourite ? <IconStarFilled size={16} /> : <IconStar size={16} />}
          </ActionIcon>
        </Tooltip>
      </Box>
      {(prompt || seed != null) && <Text size="xs" c="dimmed" lineClamp={2} mt={4} title={prompt}>{seed != null ? `seed ${seed} · ` : ""}{prompt}</Text>}
    </Card>
  );
}
