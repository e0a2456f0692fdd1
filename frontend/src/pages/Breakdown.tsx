import { Badge, Group, Tabs, Text } from "@mantine/core";
import { IconBox, IconMapPin, IconMasksTheater, IconUsers } from "@tabler/icons-react";
import { useSearchParams } from "react-router-dom";
import { useCastMembers, useCharacters, useLocations, useProduction, useProps } from "../api/hooks";
import { useProductionId } from "../hooks/useProductionId";
import { usePresence } from "../realtime/RealtimeProvider";
import { CastTab } from "./crew/CastTab";
import { CharactersTab } from "./crew/CharactersTab";
import { LocationsTab } from "./crew/LocationsTab";
import { PropsTab } from "./crew/PropsTab";
import { parseTab, type BreakdownTab } from "./crew/breakdown";
import { PageTitle } from "../components/PageFrame";

const TABS: { value: BreakdownTab; label: string; icon: typeof IconUsers }[] = [
  { value: "cast", label: "Cast", icon: IconUsers },
  { value: "characters", label: "Characters", icon: IconMasksTheater },
  { value: "props", label: "Props", icon: IconBox },
  { value: "locations", label: "Locations", icon: IconMapPin },
];

/** The breakdown: cast, characters, props and locations, one tab each (`?tab=` so a link opens the right one); live. */
export function Breakdown() {
  const production = useProductionId();
  const { data } = useProduction(production);
  const canWrite = data?.my_role != null && data.my_role !== "viewer";
  const [params, setParams] = useSearchParams();
  const tab = parseTab(params.get("tab"));
  usePresence(production, { page: "breakdown" });
  const counts: Record<BreakdownTab, number | undefined> = {
    cast: useCastMembers(production).data?.length,
    characters: useCharacters(production).data?.length,
    props: useProps(production).data?.length,
    locations: useLocations(production).data?.length,
  };

  const select = (value: string | null) => {
    const next = new URLSearchParams(params);
    next.set("tab", parseTab(value));
    setParams(next, { replace: true });
  };
  return (
    <>
      <Group justify="space-between" mb="xs">
        <PageTitle>Breakdown</PageTitle>
        {!canWrite && <Text size="sm" c="dimmed" data-testid="read-only">Read only: your role is viewer.</Text>}
      </Group>
      <Tabs value={tab} onChange={select} keepMounted={false}>
        <Tabs.List>
          {TABS.map((t) => (
            <Tabs.Tab key={t.value} value={t.value} leftSection={<t.icon size={18} />} mih={44} data-testid={`tab-${t.value}`}
              rightSection={counts[t.value] !== undefined ? <Badge size="sm" variant="light" color="gray">{counts[t.value]}</Badge> : undefined}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="cast"><CastTab production={production} canWrite={canWrite} /></Tabs.Panel>
        <Tabs.Panel value="characters"><CharactersTab production={production} canWrite={canWrite} /></Tabs.Panel>
        <Tabs.Panel value="props"><PropsTab production={production} canWrite={canWrite} /></Tabs.Panel>
        <Tabs.Panel value="locations"><LocationsTab production={production} canWrite={canWrite} /></Tabs.Panel>
      </Tabs>
    </>
  );
}
