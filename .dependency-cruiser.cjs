/**
 * The layers of src/, bottom first, and the rule between them: a module imports only from its own layer or the
 * layers below it, and no import cycle anywhere. `npm run lint:layers` checks it (in .ci/run, after the type-check).
 * Type-only imports count: a type from a layer above ties a module to it as much as a value does.
 *
 * Each layer says why it sits where it does; a folder split between two layers names the files and why. An edge
 * the layers do not allow but the code has for a stated reason is listed in EXCEPTIONS, one edge each, never a
 * whole folder.
 */

/** @typedef {{ name: string, why: string, path: string[], pathNot?: string[] }} Layer */

/** @type {Layer[]} */
const LAYERS = [
  {
    name: "domain",
    why: "the license model, statuses, ids, the data tags, the operation context: what every layer speaks; imports nothing of the project",
    path: ["^src/domain/"],
  },
  {
    name: "shared",
    why:
      "utilities every layer may use, each importing only the domain: coded errors, the logger (which reads the request's id from the " +
      "operation context), the options every upstream source has (config/source-options.ts), the port the HTTP client reports its calls " +
      "to (observability/upstream-telemetry.ts; the metrics and traces behind it sit above, with the server), and the vendor simulators, " +
      "stand-alone fake vendors that a vendor's demo registration starts",
    path: [
      "^src/errors/",
      "^src/logger\\.ts$",
      "^src/config/source-options\\.ts$",
      "^src/observability/upstream-telemetry\\.ts$",
      "^src/simulators/",
    ],
  },
  {
    name: "store",
    why: "the gateway's own database; it announces what a write changed as data tags, so it needs no cache",
    path: ["^src/store/"],
  },
  {
    name: "sources",
    why: "the vendors and the local store behind one LicenseSource interface, with the HTTP client and its resilience",
    path: ["^src/sources/"],
    pathNot: ["^src/sources/create\\.ts$"],
  },
  {
    name: "config",
    why: "the whole configuration, composed of each vendor's schema (src/sources/registry.ts) and the store's URL rules",
    path: ["^src/config/"],
    pathNot: ["^src/config/source-options\\.ts$"],
  },
  {
    name: "cache",
    why:
      "the caches in front of the sources and of whole responses, with Redis (src/redis/) sharing them between replicas; " +
      "sources/create.ts sits here because it wraps each source in its cache",
    path: ["^src/cache/", "^src/redis/", "^src/sources/create\\.ts$"],
  },
  {
    name: "federation",
    why: "reads and mutations merged across sources, with who may see what (auth) and trusted documents' administration",
    path: ["^src/federation/", "^src/auth/", "^src/documents/"],
    pathNot: ["^src/documents/document-check\\.ts$"],
  },
  {
    name: "sync",
    why:
      "issue 16's change feed: the sync job that mirrors each source into the license index, change detection, the event bus " +
      "between replicas and webhook delivery; it reads sources and the store and is served by the graphql and server layers",
    path: ["^src/sync/", "^src/events/", "^src/webhooks/"],
  },
  {
    name: "graphql",
    why: "the schema and its resolvers, thin over the federation's reads and mutations",
    path: ["^src/graphql/"],
  },
  {
    name: "server",
    why:
      "HTTP: the route table, the request pipeline, the GraphQL-over-HTTP step and its plugins, metrics and traces; " +
      "documents/document-check.ts sits here because it checks a trusted document with the server's own validation rules " +
      "and limits (the admin below takes it as a function, DocumentCheck)",
    path: ["^src/server/", "^src/observability/", "^src/documents/document-check\\.ts$"],
    pathNot: ["^src/observability/upstream-telemetry\\.ts$"],
  },
  {
    name: "entry points",
    why: "what assembles and starts a gateway: app.ts, main.ts, the CLI and the demo",
    path: ["^src/app\\.ts$", "^src/main\\.ts$", "^src/cli\\.ts$", "^src/cli/", "^src/demo/"],
  },
];

/**
 * Edges against the layers, each kept for its reason. `from` and `to` are single modules.
 * @type {{ from: string, to: string, why: string }[]}
 */
const EXCEPTIONS = [];

const anyOf = (/** @type {string[]} */ paths) => paths.join("|");

/** One rule per pair of layers (lower, higher): nothing in `lower` imports from `higher`, bar the listed exceptions. */
function upwardRules() {
  const rules = [];
  LAYERS.forEach((lower, i) => {
    LAYERS.slice(i + 1).forEach((higher) => {
      const name = `${lower.name} must not import ${higher.name}`.replace(/ /g, "-");
      const comment = `${lower.name} sits below ${higher.name}: ${lower.why}`;
      const to = { path: anyOf(higher.path), ...(higher.pathNot ? { pathNot: anyOf(higher.pathNot) } : {}) };
      const from = { path: anyOf(lower.path), ...(lower.pathNot ? { pathNot: lower.pathNot } : {}) };
      const excepted = EXCEPTIONS.filter((e) => matches(lower, e.from) && matches(higher, e.to));
      const exceptedFroms = [...new Set(excepted.map((e) => e.from))];
      // Modules with an exception are checked by rules of their own that leave out only the excepted targets.
      rules.push({
        name,
        comment,
        severity: "error",
        from: { ...from, pathNot: anyOf([...(lower.pathNot ?? []), ...exceptedFroms.map(exact)]) || undefined },
        to,
      });
      for (const module of exceptedFroms) {
        const targets = excepted.filter((e) => e.from === module).map((e) => exact(e.to));
        rules.push({
          name,
          comment,
          severity: "error",
          from: { path: exact(module) },
          to: { ...to, pathNot: anyOf([...(higher.pathNot ?? []), ...targets]) },
        });
      }
    });
  });
  return rules;
}

function exact(/** @type {string} */ module) {
  return `^${module.replace(/[.]/g, "\\.")}$`;
}

function matches(/** @type {Layer} */ layer, /** @type {string} */ module) {
  const inside = layer.path.some((p) => new RegExp(p).test(module));
  return inside && !(layer.pathNot ?? []).some((p) => new RegExp(p).test(module));
}

/** Every module of src/ must belong to exactly one layer, so none escapes the rules by sitting outside them. */
function unplacedRule() {
  return {
    name: "every-module-in-a-layer",
    comment: "a module of src/ that no layer names is checked by no rule: add it to a layer",
    severity: "error",
    from: { path: "^src/", pathNot: LAYERS.map((l) => `(?:${anyOf(l.path)})`).join("|") },
    to: {},
  };
}

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "an import cycle makes two modules one: neither can be understood, tested or moved without the other",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    unplacedRule(),
    ...upwardRules(),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    includeOnly: "^src/",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
