import { Button, Center, Loader, Stack, Text, VisuallyHidden } from "@mantine/core";
import { Suspense, useDeferredValue, type ComponentType } from "react";
import type { FetchQueryOptions, QueryClient, QueryKey } from "@tanstack/react-query";
import { matchPath, Navigate, Route, Routes, useLocation, type Params } from "react-router-dom";
import { productionQuery, sceneQuery, scenesQuery, useMe } from "./api/hooks";
import type { Id } from "./api/types";
import { ProductionLayout } from "./components/ProductionLayout";
import { lazyComponent, LoadBoundary, type LazyComponent } from "./lazy";
import { RealtimeProvider } from "./realtime/RealtimeProvider";
import { setUserTimeZone } from "./time/zone";

// Every page is its own chunk, loaded the first time it is shown (React.lazy), with its own CSS (vite.config.ts):
// a tablet opening the scene board downloads the board, not the dashboard's charts nor the uploads' tus client.
// The shell (this file, ProductionLayout, the realtime and offline layers) is the main chunk. The service worker
// precaches every chunk, so each page still opens offline (src/pwa/sw.ts). docs/performance.md has the figures.

/** A page: a component in a chunk of its own (src/lazy.tsx). */
export type LazyPage = LazyComponent;

/** A page loaded on first use from `load()`, `pick` naming its component among the module's exports. */
const lazyPage = <M,>(load: () => Promise<M>, pick: (module: M) => ComponentType): LazyPage => lazyComponent(load, pick);

const SignIn = lazyPage(() => import("./auth/SignIn"), (m) => m.SignIn);
const Register = lazyPage(() => import("./auth/Register"), (m) => m.Register);
const VerifyEmail = lazyPage(() => import("./auth/VerifyEmail"), (m) => m.VerifyEmail);
const ForgotPassword = lazyPage(() => import("./auth/ForgotPassword"), (m) => m.ForgotPassword);
const ResetPassword = lazyPage(() => import("./auth/ResetPassword"), (m) => m.ResetPassword);
const VerifyEmailChange = lazyPage(() => import("./auth/VerifyEmailChange"), (m) => m.VerifyEmailChange);
const AcceptInvitation = lazyPage(() => import("./auth/AcceptInvitation"), (m) => m.AcceptInvitation);
const ProductionList = lazyPage(() => import("./pages/ProductionList"), (m) => m.ProductionList);
const AccountSettings = lazyPage(() => import("./pages/settings/AccountSettings"), (m) => m.AccountSettings);
const NotificationSettings = lazyPage(() => import("./pages/settings/NotificationSettings"), (m) => m.NotificationSettings);
const Operations = lazyPage(() => import("./pages/Operations"), (m) => m.Operations);
const Dashboard = lazyPage(() => import("./pages/Dashboard"), (m) => m.Dashboard);
const Board = lazyPage(() => import("./pages/Board"), (m) => m.Board);
const ScenePage = lazyPage(() => import("./pages/ScenePage"), (m) => m.ScenePage);
const ScriptPage = lazyPage(() => import("./pages/ScriptPage"), (m) => m.ScriptPage);
const Dailies = lazyPage(() => import("./pages/Dailies"), (m) => m.Dailies);
const DailyPage = lazyPage(() => import("./pages/DailyPage"), (m) => m.DailyPage);
const Jobs = lazyPage(() => import("./pages/Jobs"), (m) => m.Jobs);
const Members = lazyPage(() => import("./pages/Members"), (m) => m.Members);
const Breakdown = lazyPage(() => import("./pages/Breakdown"), (m) => m.Breakdown);
const Stripboard = lazyPage(() => import("./pages/schedule/Stripboard"), (m) => m.Stripboard);
const DoodPage = lazyPage(() => import("./pages/schedule/Dood"), (m) => m.DoodPage);
const CallSheets = lazyPage(() => import("./pages/schedule/CallSheets"), (m) => m.CallSheets);
const CallSheetPage = lazyPage(() => import("./pages/schedule/CallSheetPage"), (m) => m.CallSheetPage);
const TakesPage = lazyPage(() => import("./pages/takes/TakesPage"), (m) => m.TakesPage);
const AuditLog = lazyPage(() => import("./pages/audit/AuditLog"), (m) => m.AuditLog);
const LookdevPage = lazyPage(() => import("./pages/lookdev/LookdevPage"), (m) => m.LookdevPage);

const PRODUCTION = "/productions/:productionId";

/** The pages outside a production: path, page, and whether it needs someone signed in. */
const TOP_PAGES: [string, LazyPage, boolean][] = [
  ["/signin", SignIn, false], ["/register", Register, false], ["/verify-email", VerifyEmail, false],
  ["/forgot-password", ForgotPassword, false], ["/reset-password", ResetPassword, false], ["/verify-email-change", VerifyEmailChange, false],
  ["/invitations/:token", AcceptInvitation, false], ["/", ProductionList, true],
  ["/settings/account", AccountSettings, true], ["/settings/notifications", NotificationSettings, true], ["/operations", Operations, true],
];

/** A production's pages, inside its frame (ProductionLayout): path under PRODUCTION ("" is its index) and page. */
const PRODUCTION_PAGES: [string, LazyPage][] = [
  ["", Dashboard], ["board", Board], ["scenes/:sceneId", ScenePage], ["script", ScriptPage], ["dailies", Dailies],
  ["dailies/:assetId", DailyPage], ["jobs", Jobs], ["members", Members], ["breakdown", Breakdown], ["schedule", Stripboard],
  ["dood", DoodPage], ["call-sheets", CallSheets], ["call-sheets/:sheetId", CallSheetPage], ["takes/*", TakesPage],
  ["audit", AuditLog], ["lookdev/*", LookdevPage],
];

/** Every page's full path and its page, for `preloadPageFor`. */
export const PAGES: [string, LazyPage][] = [
  ...TOP_PAGES.map(([path, page]): [string, LazyPage] => [path, page]),
  ...PRODUCTION_PAGES.map(([path, page]): [string, LazyPage] => [path ? `${PRODUCTION}/${path}` : PRODUCTION, page]),
];

/**
 * The queries a page shows first, by page, from its path's ids: started at start-up with the page's code, so the
 * page does not wait for the sign-in check to answer before asking for its data (each production's frame shows its
 * production). Pages not listed ask once they are shown, as every page does.
 */
const FIRST_QUERIES = new Map<LazyPage, (client: QueryClient, ids: { production: Id; scene: Id }) => void>([
  [Dashboard, (client, { production }) => { first(client, productionQuery(production)); first(client, scenesQuery(production)); }],
  [Board, (client, { production }) => { first(client, productionQuery(production)); first(client, scenesQuery(production)); }],
  [ScenePage, (client, { production, scene }) => { first(client, productionQuery(production)); first(client, sceneQuery(scene)); }],
]);

/** Start `query` now, not retried: a failure here (nobody signed in: 401) is asked again when the page is shown. */
function first<TData, TKey extends QueryKey>(client: QueryClient, query: FetchQueryOptions<TData, Error, TData, TKey>): void {
  if (query.queryKey.some((part) => Number.isNaN(part))) return;
  void client.prefetchQuery({ ...query, retry: false });
}

/**
 * Start loading the chunk of the page at `pathname` now, at start-up, instead of once the sign-in check has answered
 * and the route renders, and with `client` the page's first queries (`FIRST_QUERIES`): the page's code, its data and
 * `/api/auth/me/` then load side by side. A query that fails here (nobody signed in: 401) is not retried; the page
 * asks again when it is shown. Answers the page, or undefined.
 */
export function preloadPageFor(pathname: string, client?: QueryClient): LazyPage | undefined {
  let params: Readonly<Params<string>> = {};
  const page = PAGES.find(([path]) => {
    const match = matchPath({ path, end: true }, pathname);
    if (match) params = match.params;
    return match !== null;
  })?.[1];
  void page?.preload().catch(() => {}); // a failure is shown when the page renders
  const queries = page && FIRST_QUERIES.get(page);
  const production = Number(params.productionId), scene = Number(params.sceneId ?? NaN);
  if (client && queries && Number.isSafeInteger(production) && production > 0) queries(client, { production, scene });
  return page;
}

/** What shows while a page's code loads: a spinner, and for screen readers a status that says so. */
export function PageLoading({ h = "50vh" }: { h?: string }) {
  return (
    <Center h={h} role="status" aria-live="polite">
      <Loader aria-hidden />
      <VisuallyHidden>Loading…</VisuallyHidden>
    </Center>
  );
}

/** Shown instead of a page whose code could not be loaded (offline with an old build's page open, a server error). */
function PageLoadFailed() {
  return (
    <Center h="50vh">
      <Stack align="center" role="alert">
        <Text>This page could not be loaded. Check the connection, then try again.</Text>
        <Button onClick={() => window.location.reload()}>Try again</Button>
      </Stack>
    </Center>
  );
}

/** A lazy page, with the loading state while its chunk loads and a way out when it cannot. */
function Page({ of: Lazy }: { of: LazyPage }) {
  return (
    <LoadBoundary fallback={<PageLoadFailed />}>
      <Suspense fallback={<PageLoading />}>
        <Lazy />
      </Suspense>
    </LoadBoundary>
  );
}

/** Pending: who is signed in is not known yet. */
const UNKNOWN = Symbol("unknown");

function RequireAuth({ children }: { children: React.ReactNode }) {
  const me = useMe();
  setUserTimeZone(me.data?.time_zone); // every time on screen in the user's zone (time/zone.ts)
  const location = useLocation();
  // The page behind the sign-in check renders in a transition once the answer is in (React time-slices it instead of
  // holding the main thread for the whole frame and page at once; docs/performance.md).
  const user = useDeferredValue(me.isPending ? UNKNOWN : me.data);
  if (user === UNKNOWN) return <PageLoading h="100vh" />;
  if (!user) return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <RealtimeProvider>{children}</RealtimeProvider>;
}

export function App() {
  return (
    <Routes>
      {TOP_PAGES.map(([path, page, signedIn]) => (
        <Route key={path} path={path} element={signedIn ? <RequireAuth><Page of={page} /></RequireAuth> : <Page of={page} />} />
      ))}
      <Route path={PRODUCTION} element={<RequireAuth><ProductionLayout /></RequireAuth>}>
        {PRODUCTION_PAGES.map(([path, page]) => (path
          ? <Route key={path} path={path} element={<Page of={page} />} />
          : <Route key="index" index element={<Page of={page} />} />))}
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}
