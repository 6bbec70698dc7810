// @ts-check
// `npm run lint` runs this (then `prettier --check .`). Formatting is Prettier's alone: eslint-config-prettier,
// last, turns off every rule the two could disagree on.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    ignores: [
      "dist/",
      "bench/.build/",
      "coverage/",
      "data/",
      // Written by `npm run codegen` and scripts/graphiql-documents.ts: fixed by regenerating, not by hand.
      "examples/typed-client/generated/",
      "src/server/graphiql-documents.generated.ts",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // `== null` is the one loose comparison worth keeping: null or undefined, which the code means often.
      eqeqeq: ["error", "always", { null: "ignore" }],
      // An unused name is a leftover or a bug; a leading underscore says "unused on purpose" (a required
      // parameter, a destructured field left out of a rest).
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          args: "after-used",
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
      // Type-aware, the two that catch real bugs in async code: a promise nobody awaits or catches (its rejection
      // goes unhandled), and one passed where the caller ignores what a callback returns. The types cost this run
      // ~20 s (31 s instead of 10 s on an idle 2-core machine); recommendedTypeChecked's other rules add nothing
      // worth it here (mostly no-unsafe-* on tests' JSON).
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
    },
  },
  {
    // Plain JavaScript is in no tsconfig: linted without types.
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // Tests read GraphQL answers and log lines as untyped JSON off the wire; their assertions, not types, check
    // the shape. Everywhere else `any` stays an error.
    files: ["test/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  prettier,
);
