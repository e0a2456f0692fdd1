// /productions/:id/takes/*: the take log (index) and the shoot day's reports (report), under one heading.
import { Group, Tabs } from "@mantine/core";
import { Route, Routes, useLocation, useNavigate } from "react-router-dom";
import { useProductionId } from "../../hooks/useProductionId";
import { DayReport } from "./DayReport";
import { TakeLog } from "./TakeLog";
import { PageTitle } from "../../components/PageFrame";

export function TakesPage() {
  const production = useProductionId();
  const navigate = useNavigate();
  const report = useLocation().pathname.replace(/\/$/, "").endsWith("/takes/report");
  const base = `/productions/${production}/takes`;
  return (
    <>
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <PageTitle>{report ? "Daily reports" : "Take log"}</PageTitle>
        <Tabs value={report ? "report" : "log"} onChange={(v) => void navigate(v === "report" ? `${base}/report` : base)} variant="pills">
          <Tabs.List>
            <Tabs.Tab value="log" style={{ minHeight: 44 }} data-testid="tab-take-log">Take log</Tabs.Tab>
            <Tabs.Tab value="report" style={{ minHeight: 44 }} data-testid="tab-day-report">Daily reports</Tabs.Tab>
          </Tabs.List>
        </Tabs>
      </Group>
      <Routes>
        <Route index element={<TakeLog />} />
        <Route path="report" element={<DayReport />} />
      </Routes>
    </>
  );
}
