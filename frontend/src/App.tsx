import { lazy } from "react";
import { Route, Routes } from "react-router";
import { AppLayout } from "./components/AppLayout";
import { LoginPage } from "./pages/LoginPage";

// One chunk per page: the login form loads without the charts, and a page's code comes
// with its first visit.
const OverviewPage = lazy(() => import("./pages/OverviewPage").then((module) => ({ default: module.OverviewPage })));
const BooksPage = lazy(() => import("./pages/BooksPage").then((module) => ({ default: module.BooksPage })));
const RegionsPage = lazy(() => import("./pages/RegionsPage").then((module) => ({ default: module.RegionsPage })));
const GenresPage = lazy(() => import("./pages/GenresPage").then((module) => ({ default: module.GenresPage })));
const FinancePage = lazy(() => import("./pages/FinancePage").then((module) => ({ default: module.FinancePage })));
const StatementPage = lazy(() => import("./pages/StatementPage").then((module) => ({ default: module.StatementPage })));
const PipelinePage = lazy(() => import("./pages/PipelinePage").then((module) => ({ default: module.PipelinePage })));
const SettingsPage = lazy(() => import("./pages/SettingsPage").then((module) => ({ default: module.SettingsPage })));
const AlertsPage = lazy(() => import("./pages/AlertsPage").then((module) => ({ default: module.AlertsPage })));
const ReportsPage = lazy(() => import("./pages/ReportsPage").then((module) => ({ default: module.ReportsPage })));
const MembersPage = lazy(() => import("./pages/MembersPage").then((module) => ({ default: module.MembersPage })));
const HistoryPage = lazy(() => import("./pages/HistoryPage").then((module) => ({ default: module.HistoryPage })));
const WebhooksPage = lazy(() => import("./pages/WebhooksPage").then((module) => ({ default: module.WebhooksPage })));
const NotFoundPage = lazy(() => import("./pages/NotFoundPage").then((module) => ({ default: module.NotFoundPage })));

/** The dashboard's routes: /login alone, every other page inside the signed-in layout. */
export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<AppLayout />}>
        <Route index element={<OverviewPage />} />
        <Route path="books" element={<BooksPage />} />
        <Route path="regions" element={<RegionsPage />} />
        <Route path="genres" element={<GenresPage />} />
        <Route path="finance" element={<FinancePage />} />
        <Route path="statement" element={<StatementPage />} />
        <Route path="pipeline" element={<PipelinePage />} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="alerts" element={<AlertsPage />} />
        <Route path="reports" element={<ReportsPage />} />
        <Route path="members" element={<MembersPage />} />
        <Route path="history" element={<HistoryPage />} />
        <Route path="webhooks" element={<WebhooksPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
