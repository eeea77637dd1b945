// ESLint flat config: the recommended JavaScript and typescript-eslint rules, React's rules
// of hooks (and the React Compiler checks of eslint-plugin-react-hooks 7), and
// eslint-config-prettier last so that formatting is Prettier's alone.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["dist/", "src/api/schema.d.ts"] },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended, reactHooks.configs.flat.recommended],
    languageOptions: { ecmaVersion: 2022, globals: globals.browser },
    rules: {
      // `{ token: _plaintext, ...listed }` leaves a field out on purpose; `_name` marks an
      // argument a signature requires but the body does not read (as tsc's noUnusedParameters).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    files: ["vite.config.ts", "eslint.config.js", "vitest.config.ts"],
    languageOptions: { globals: globals.node },
  },
  prettier,
);
