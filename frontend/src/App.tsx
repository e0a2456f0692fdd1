import { Center, Loader } from "@mantine/core";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { useMe } from "./api/hooks";
import { AcceptInvitation } from "./auth/AcceptInvitation";
import { Register } from "./auth/Register";
import { SignIn } from "./auth/SignIn";
import { VerifyEmail } from "./auth/VerifyEmail";
import { ProductionLayout } from "./components/ProductionLayout";
import { Board } from "./pages/Board";
import { Breakdown } from "./pages/Breakdown";
import { Dailies } from "./pages/Dailies";
import { DailyPage } from "./pages/DailyPage";
import { Dashboard } from "./pages/Dashboard";
import { Jobs } from "./pages/Jobs";
import { Members } from "./pages/Members";
import { Operations } from "./pages/Operations";
import { ProductionList } from "./pages/ProductionList";
import { ScenePage } from "./pages/ScenePage";
import { ScriptPage } from "./pages/ScriptPage";
import { NotificationSettings } from "./pages/settings/NotificationSettings";
import { CallSheetPage } from "./pages/schedule/CallSheetPage";
import { CallSheets } from "./pages/schedule/CallSheets";
import { DoodPage } from "./pages/schedule/Dood";
import { Stripboard } from "./pages/schedule/Stripboard";
import { TakesPage } from "./pages/takes/TakesPage";
import { RealtimeProvider } from "./realtime/RealtimeProvider";

function RequireAuth({ children }: { children: React.ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Center h="100vh"><Loader /></Center>;
  if (!me.data) return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <RealtimeProvider>{children}</RealtimeProvider>;
}

export function App() {
  return (
    <Routes>
      <Route path="/signin" element={<SignIn />} />
      <Route path="/register" element={<Register />} />
      <Route path="/verify-email" element={<VerifyEmail />} />
      <Route path="/invitations/:token" element={<AcceptInvitation />} />
      <Route path="/" element={<RequireAuth><ProductionList /></RequireAuth>} />
      <Route path="/settings/notifications" element={<RequireAuth><NotificationSettings /></RequireAuth>} />
      <Route path="/operations" element={<RequireAuth><Operations /></RequireAuth>} />
      <Route path="/productions/:productionId" element={<RequireAuth><ProductionLayout /></RequireAuth>}>
        <Route index element={<Dashboard />} />
        <Route path="board" element={<Board />} />
        <Route path="scenes/:sceneId" element={<ScenePage />} />
        <Route path="script" element={<ScriptPage />} />
        <Route path="dailies" element={<Dailies />} />
        <Route path="dailies/:assetId" element={<DailyPage />} />
        <Route path="jobs" element={<Jobs />} />
        <Route path="members" element={<Members />} />
        <Route path="breakdown" element={<Breakdown />} />
        <Route path="schedule" element={<Stripboard />} />
        <Route path="dood" element={<DoodPage />} />
        <Route path="call-sheets" element={<CallSheets />} />
        <Route path="call-sheets/:sheetId" element={<CallSheetPage />} />
        <Route path="takes/*" element={<TakesPage />} />
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}
