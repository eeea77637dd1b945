// Smoke check of a running Folio: logs in through the form, opens every page in headless
// Chromium, waits until the page reports itself fully drawn (body[data-ready=true]) and
// prints each panel's state and the time it took; screenshots go to SMOKE_OUT.
//
//   FOLIO_URL=http://127.0.0.1:8000 node scripts/smoke-check.mjs
//
// Environment: FOLIO_URL, FOLIO_USER / FOLIO_PASSWORD (demo / folio-demo), CHROMIUM
// (/usr/bin/chromium), SMOKE_OUT (smoke-output), SMOKE_WIDTH (1440).
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

const base = (process.env.FOLIO_URL ?? "http://127.0.0.1:8000").replace(/\/$/, "");
const out = process.env.SMOKE_OUT ?? "smoke-output";
const width = Number(process.env.SMOKE_WIDTH ?? 1440);
const pages = ["/", "/books", "/regions", "/genres", "/finance", "/statement", "/pipeline", "/settings"];
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const context = await browser.newContext({ viewport: { width, height: 900 } });
const page = await context.newPage();
const problems = [];
let loggedIn = false; // the 401s before the login form are expected
page.on("console", (message) => {
  if (loggedIn && message.type() === "error") problems.push(`console: ${message.text()}`);
});
page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
page.on("response", (response) => {
  if (loggedIn && response.status() >= 400) {
    problems.push(`HTTP ${response.status()} ${response.url()}`);
  }
});

await page.goto(`${base}/`);
await page.waitForURL(/\/login\?next=/);
await page.getByTestId("login-username").fill(process.env.FOLIO_USER ?? "demo");
await page.getByTestId("login-password").fill(process.env.FOLIO_PASSWORD ?? "folio-demo");
await page.getByTestId("login-submit").click();
await page.waitForURL(`${base}/`);
loggedIn = true;

let failed = 0;
for (const path of pages) {
  const started = Date.now();
  await page.goto(`${base}${path}`);
  let ready = true;
  try {
    await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 15_000 });
  } catch {
    ready = false;
    failed += 1;
  }
  const elapsed = Date.now() - started;
  const states = await page.$$eval("[data-testid^='panel-']", (nodes) =>
    nodes.map((node) => `${node.getAttribute("data-testid")?.slice(6)}=${node.getAttribute("data-state")}`),
  );
  const generation = await page.getByTestId("freshness").getAttribute("data-generation");
  const name = path === "/" ? "overview" : path.slice(1);
  await page.screenshot({ path: `${out}/${name}-${width}.png`, fullPage: true });
  console.log(`${ready ? "ready" : "NOT READY"} ${path} in ${elapsed} ms (generation ${generation}): ${states.join(" ")}`);
}
await browser.close();
for (const problem of problems) console.log(problem);
console.log(`${pages.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
