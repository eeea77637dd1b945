import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The API the dev server forwards /api to. The proxy keeps the Host header (no
// changeOrigin): Django's CSRF check compares the Origin header with that host.
const apiTarget = process.env.FOLIO_API_URL ?? "http://127.0.0.1:8100";

export default defineConfig(({ command }) => ({
  // Django serves dist/ under /static/ (STATICFILES_DIRS) and dist/index.html for every
  // page; the dev server serves the app at / so the router sees the same paths.
  base: command === "build" ? "/static/" : "/",
  plugins: [react(), tailwindcss()],
  build: {
    outDir: "dist",
    manifest: true,
    emptyOutDir: true,
    target: "es2022",
    rolldownOptions: {
      output: {
        codeSplitting: {
          // Recharts and what it brings, in one cacheable chunk the chart pages share;
          // the login page never loads it.
          groups: [
            {
              name: "charts",
              test: /node_modules[\\/](recharts|react-is|d3-[^\\/]+|victory-vendor|@reduxjs|redux|react-redux|immer|reselect|es-toolkit|decimal\.js-light|eventemitter3|tiny-invariant|use-sync-external-store|clsx)[\\/]/,
              // Not React itself: the entry would then load this chunk up front. Every
              // CommonJS package Recharts requires (react-is) must be listed in the test,
              // or its require wrapper ends up missing at run time.
              includeDependenciesRecursively: false,
            },
          ],
        },
      },
    },
  },
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    // /ws carries the live events socket (Django Channels behind the same server).
    proxy: {
      "/api": { target: apiTarget, changeOrigin: false },
      "/ws": { target: apiTarget, changeOrigin: false, ws: true },
    },
  },
}));
