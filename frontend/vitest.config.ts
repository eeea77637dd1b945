import { defineConfig } from "vitest/config";

// The unit tests assert what a reader sees ("1,234.50", "Mar 5, 2024"), so they run in one
// locale and time zone whatever the machine's. Node fixes its default locale when it
// starts, so these are set here, before Vitest starts the worker processes that inherit them.
process.env.LC_ALL = "en_US.UTF-8";
process.env.LANG = "en_US.UTF-8";
process.env.TZ = "UTC";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
