import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The GraphiQL page, served fully offline: React, ReactDOM, GraphiQL and its stylesheet are inlined from
 * node_modules, so the page works on an air-gapped site and makes no request except to the GraphQL endpoint.
 */

export interface GraphiqlExample {
  /** For people reading the list; GraphiQL titles each tab with the operation name in `query`. */
  name: string;
  query: string;
  variables?: Record<string, unknown>;
}

export interface GraphiqlPageOptions {
  /** URL the page POSTs operations to; a same-origin path such as `/graphql` is enough. */
  endpoint: string;
  /** The document title. Default: `"GraphiQL"`. */
  title?: string;
  /** Each example opens as a tab, the first one active. With none, GraphiQL shows its own welcome query. */
  examples: GraphiqlExample[];
  /** Prefilled, as JSON, in the headers editor of every tab. Default: what `auth` asks for. Never persisted in the browser. */
  defaultHeaders?: Record<string, string>;
  /**
   * How the endpoint authenticates (config `auth.mode`), so a visitor starts with the headers a request needs.
   * "on": the headers editor holds an `authorization` template to complete. "off": it holds `{}` and a line above
   * GraphiQL says that no header is needed; the hint cannot go in the editor, which must hold plain JSON (GraphiQL
   * 3 reads it with `JSON.parse`, so a comment would fail every request). Default: neither, the editor is empty.
   */
  auth?: "on" | "off";
  /**
   * Whether the endpoint answers introspection. Default true. When false the page does not try (GraphiQL would
   * show the refusal as an error) and says why there are no docs or completion; operations still run.
   */
  introspection?: boolean;
}

/** Both kinds of credential travel this way (src/auth/authenticate.ts); the visitor replaces the placeholder. */
const AUTH_ON_HEADERS = { authorization: "Bearer <your API key>" };

/** Markup (nothing in it comes from a request); it shows what the editor would hold with auth on. */
const AUTH_OFF_NOTICE =
  "Authentication is off on this server (the demo): every request acts as an admin, so no headers are needed " +
  "and the Headers editor holds just <code>{}</code>. A gateway with <code>auth.mode: on</code> wants " +
  `<code>${escapeHtml(JSON.stringify(AUTH_ON_HEADERS))}</code> there.`;

const NO_INTROSPECTION_NOTICE =
  "Introspection is off on this server (production mode), so GraphiQL has no schema: no docs, no completion, " +
  "no checking as you type. Operations still run. The schema is published as schema.graphql; set " +
  "server.introspection: true (or server.mode: development) to browse it here.";

/** The UMD builds that GraphiQL 3 expects as globals (`React`, `ReactDOM`), then GraphiQL itself. */
const SCRIPT_ASSETS = [
  { pkg: "react", file: "umd/react.production.min.js" },
  { pkg: "react-dom", file: "umd/react-dom.production.min.js" },
  { pkg: "graphiql", file: "graphiql.min.js" },
] as const;
const STYLE_ASSET = { pkg: "graphiql", file: "graphiql.min.css" } as const;

interface Assets {
  scripts: string[];
  style: string;
}

let cachedAssets: Assets | undefined;

/** Read once, on the first render: 1.5 MB that never changes while the process runs. */
function loadAssets(): Assets {
  cachedAssets ??= {
    scripts: SCRIPT_ASSETS.map((asset) => inlineScriptText(readAsset(asset))),
    style: inlineStyleText(readAsset(STYLE_ASSET)),
  };
  return cachedAssets;
}

function readAsset({ pkg, file }: { pkg: string; file: string }): string {
  const require = createRequire(import.meta.url);
  // None of the three packages lists these files in its "exports" map, so `require.resolve("react/umd/...")`
  // fails with ERR_PACKAGE_PATH_NOT_EXPORTED. Each does export its package.json; the files sit beside it.
  const path = join(dirname(require.resolve(`${pkg}/package.json`)), file);
  try {
    return readFileSync(path, "utf8");
  } catch (cause) {
    throw new Error(`GraphiQL page: cannot read ${pkg}/${file} (looked at ${JSON.stringify(path)})`, { cause });
  }
}

/**
 * Makes JavaScript safe to place between `<script>` and `</script>`. The HTML tokenizer ends the element at
 * the first `</script` whatever the JavaScript means by it, so that sequence becomes `<\/script`, which every
 * JavaScript context where it can occur (strings, templates, regular expressions, comments) reads the same.
 * The trailing source-map comment goes: with devtools open it would request a `.map` file the server lacks.
 * @internal exported for tests
 */
export function inlineScriptText(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/^\/\/# sourceMappingURL=.*$/gm, "");
}

/**
 * Makes CSS safe to place inside `<style>` (same reasoning as {@link inlineScriptText}, for `</style`) and
 * neutralises anything it would fetch from another site: remote `@import` rules are dropped and remote
 * `url(...)` values become an empty data URL. GraphiQL 3.9's stylesheet embeds its fonts and images as data
 * URLs already; this keeps a future version from quietly reaching out to a CDN.
 * @internal exported for tests
 */
export function inlineStyleText(css: string): string {
  return css
    .replace(/@import\s+(?:url\(\s*)?["']?\s*(?:https?:)?\/\/[^;]*;/gi, "")
    .replace(/url\(\s*(["']?)\s*(?:https?:)?\/\/[^"')]*\1\s*\)/gi, 'url("data:,")')
    .replace(/<\/(style)/gi, "<\\/$1")
    .replace(/\/\*# sourceMappingURL=[^*]*\*\//g, "");
}

/** Text for inside `<script type="application/json">`: `<` escaped so no `</script` or `<!--` can form. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Runs in the browser. The storage wrapper exists because GraphiQL restores its tabs from localStorage and
 * then ignores `defaultTabs`: once a visitor had opened the page, edited examples would never reach them.
 * Keying the storage by a hash of the examples keeps a visitor's edits across reloads and starts afresh when
 * the examples change. Without localStorage (blocked by the browser) GraphiQL gets `null`: no persistence.
 */
const BOOTSTRAP = `(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("graphiql-config").textContent);
  var storage = null;
  try {
    var local = window.localStorage;
    var prefix = "license-gateway:" + config.storageNamespace + ":";
    var ownKeys = function () {
      var keys = [];
      for (var i = 0; i < local.length; i++) {
        var key = local.key(i);
        if (key !== null && key.indexOf(prefix) === 0) keys.push(key);
      }
      return keys;
    };
    storage = {
      getItem: function (key) { return local.getItem(prefix + key); },
      setItem: function (key, value) { local.setItem(prefix + key, value); },
      removeItem: function (key) { local.removeItem(prefix + key); },
      clear: function () { ownKeys().forEach(function (key) { local.removeItem(key); }); },
      get length() { return ownKeys().length; }
    };
  } catch (e) {
    storage = null;
  }
  // Queries and mutations over plain HTTP; a subscription (licenseEvents) over GraphQL over SSE at the same
  // endpoint (Accept: text/event-stream), read as a stream: GraphiQL shows each event as it arrives, and Stop
  // ends the stream. GraphiQL's own fetcher only knows WebSocket subscriptions.
  var httpFetcher = GraphiQL.createFetcher({ url: config.endpoint });
  // The document's operations in order, each { type, name } (name null for an anonymous one): one scan, comments out.
  var operationsOf = function (query) {
    var found = [];
    var text = String(query || "").replace(/#[^\\n]*/g, "");
    var re = /(?:^|[}\\s])(query|mutation|subscription)\\s*([_A-Za-z][_0-9A-Za-z]*)?/g;
    for (var m = re.exec(text); m !== null; m = re.exec(text)) found.push({ type: m[1], name: m[2] || null });
    return found;
  };
  var overSse = function (params, opts) {
    var headers = Object.assign({ "content-type": "application/json", accept: "text/event-stream" }, (opts && opts.headers) || {});
    var controller = new AbortController();
    var reader = null;
    var queue = [];
    var buffer = "";
    var decoder = new TextDecoder();
    var done = false;
    var started = fetch(config.endpoint, { method: "POST", headers: headers, body: JSON.stringify(params), signal: controller.signal });
    var parse = function () {
      var at;
      while ((at = buffer.indexOf("\\n\\n")) >= 0) {
        var message = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        var event = "message";
        var data = "";
        message.split("\\n").forEach(function (line) {
          if (line.indexOf("event:") === 0) event = line.slice(6).trim();
          else if (line.indexOf("data:") === 0) data += line.slice(5).trim();
        });
        if (event === "next" && data) queue.push(JSON.parse(data));
        if (event === "complete") done = true;
      }
    };
    var next = function () {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift(), done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return started.then(function (res) {
        if (reader === null) {
          if (!res.ok || !res.body || !/event-stream/.test(res.headers.get("content-type") || "")) {
            done = true;
            return res.json().then(function (body) { return { value: body, done: false }; });
          }
          reader = res.body.getReader();
        }
        return reader.read().then(function (chunk) {
          if (chunk.done) done = true;
          else buffer += decoder.decode(chunk.value, { stream: true });
          parse();
          return next();
        });
      });
    };
    var iterator = {
      next: next,
      return: function () {
        done = true;
        controller.abort();
        return Promise.resolve({ value: undefined, done: true });
      }
    };
    iterator[Symbol.asyncIterator] = function () { return iterator; };
    return iterator;
  };
  var props = {
    fetcher: function (params, opts) {
      var operations = operationsOf(params.query);
      var named = operations.filter(function (o) { return o.name === params.operationName; })[0];
      // Right after a tab switch GraphiQL may still send the previous tab's operationName; a name the document does not
      // define is dropped, so the server runs the document's one operation instead of refusing it.
      if (params.operationName && !named) params = Object.assign({}, params, { operationName: undefined });
      var selected = named || operations[0];
      return selected && selected.type === "subscription" ? overSse(params, opts) : httpFetcher(params, opts);
    },
    shouldPersistHeaders: false,
    storage: storage
  };
  if (config.tabs.length > 0) props.defaultTabs = config.tabs;
  if (!config.introspection) props.schema = null; // null: do not introspect (undefined would)
  if (config.headers !== undefined) props.defaultHeaders = config.headers;
  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(GraphiQL, props));
})();`;

/** The complete HTML document; everything it needs is inline, so serve it as is with `text/html`. */
export function renderGraphiqlPage(options: GraphiqlPageOptions): string {
  if (typeof options.endpoint !== "string" || options.endpoint.trim() === "") {
    const got = JSON.stringify(options.endpoint);
    throw new TypeError(`GraphiQL page: endpoint must be a non-empty URL or path, got ${got}`);
  }
  const assets = loadAssets();
  const defaultHeaders = options.defaultHeaders ?? (options.auth === "on" ? AUTH_ON_HEADERS : options.auth === "off" ? {} : undefined);
  const headers = defaultHeaders === undefined ? undefined : JSON.stringify(defaultHeaders, null, 2);
  const tabs = options.examples.map((example) => ({
    query: example.query,
    variables: example.variables === undefined ? null : JSON.stringify(example.variables, null, 2),
    // Tabs from `defaultTabs` do not inherit `defaultHeaders` (that prop only fills tabs opened later).
    headers: headers ?? null,
  }));
  const config = {
    endpoint: options.endpoint,
    tabs,
    headers,
    storageNamespace: createHash("sha256").update(JSON.stringify(tabs)).digest("hex").slice(0, 12),
    introspection: options.introspection ?? true,
  };
  const notice =
    (config.introspection ? "" : `<p id="graphiql-notice" class="notice" role="note">${escapeHtml(NO_INTROSPECTION_NOTICE)}</p>\n`) +
    (options.auth === "off" ? `<p id="graphiql-auth-notice" class="notice" role="note">${AUTH_OFF_NOTICE}</p>\n` : "");
  const [react, reactDom, graphiql] = assets.scripts;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title ?? "GraphiQL")}</title>
<style>
html, body, #graphiql { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; }
#graphiql { flex: 1; min-height: 0; }
.notice { margin: 0; padding: 6px 12px; font: 13px/1.4 "Roboto", system-ui, sans-serif; background: #fff3cd; color: #5c4400; border-bottom: 1px solid #e0c46c; }
.notice code { font: 12px "Fira Code", monospace; }
#graphiql-auth-notice { background: #e8f1fb; color: #123a63; border-bottom-color: #9cc0e6; }
</style>
<style>
${assets.style}
</style>
</head>
<body>
${notice}<div id="graphiql">Loading GraphiQL…</div>
<noscript>GraphiQL needs JavaScript.</noscript>
<script>
${react}
</script>
<script>
${reactDom}
</script>
<script>
${graphiql}
</script>
<script id="graphiql-config" type="application/json">${jsonForScript(config)}</script>
<script>
${BOOTSTRAP}
</script>
</body>
</html>
`;
}
