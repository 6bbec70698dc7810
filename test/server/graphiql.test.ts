import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema, parse, validate, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { inlineScriptText, inlineStyleText, renderGraphiqlPage, type GraphiqlPageOptions } from "../../src/server/graphiql.js";
import { DEMO_EXAMPLES } from "../../src/server/graphiql-examples.js";
import { generateGraphiqlDocuments, GRAPHIQL_DOCUMENTS_FILE } from "../../scripts/graphiql-documents.js";

const require = createRequire(import.meta.url);
function bundle(pkg: string, file: string): string {
  return readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), file), "utf8");
}

const OPTIONS: GraphiqlPageOptions = {
  endpoint: "/graphql",
  title: "License gateway",
  examples: DEMO_EXAMPLES,
  defaultHeaders: { authorization: "Bearer demo-token" },
};

/** A tag name ends at whitespace, `/` or `>` (HTML tokenizer); `</scripts` would not end a script. */
const TAG_END = "[\\t\\n\\f\\r />]";
const SCRIPT_END_TAG = new RegExp(`^</script${TAG_END}`, "i");
const SCRIPT_START_TAG = new RegExp(`^<script${TAG_END}`, "i");
const STYLE_END_TAG = new RegExp(`</style${TAG_END}`, "i");

/**
 * Where the browser ends a script element whose text starts at `from`, following the HTML standard's
 * script data states: `<!--` followed by `<script` makes the next `</script>` part of the text, so counting
 * `</script` alone could miss a page that the browser cuts in the wrong place.
 */
function scriptTextEnd(html: string, from: number): number {
  let state: "data" | "escaped" | "doubleEscaped" = "data";
  for (let i = from; i < html.length; i++) {
    const ahead = html.slice(i, i + 9);
    if (state !== "doubleEscaped" && SCRIPT_END_TAG.test(ahead)) return i;
    if (state === "data" && ahead.startsWith("<!--")) {
      state = "escaped";
      i += 1; // `<!-->` ends the escape at once, so let the `-->` check see the dashes
    } else if (state === "escaped" && SCRIPT_START_TAG.test(ahead)) {
      state = "doubleEscaped";
    } else if (state === "doubleEscaped" && SCRIPT_END_TAG.test(ahead)) {
      state = "escaped";
    } else if (state !== "data" && ahead.startsWith("-->")) {
      state = "data";
    }
  }
  throw new Error(`script element opened before offset ${from} never ends`);
}

interface Element {
  tag: string;
  /** The opening tag as written, attributes included. */
  open: string;
  text: string;
}

/** Splits a page into its script and style elements and the markup around them, as a browser would. */
function splitPage(html: string): { elements: Element[]; markup: string } {
  const elements: Element[] = [];
  let markup = "";
  let at = 0;
  const openTag = /<(script|style)\b[^>]*>/gi;
  for (let match = openTag.exec(html); match; match = openTag.exec(html)) {
    const start = match.index + match[0].length;
    const tag = match[1]!.toLowerCase();
    const end = tag === "script" ? scriptTextEnd(html, start) : start + html.slice(start).search(STYLE_END_TAG);
    if (end < start) throw new Error(`style element at ${match.index} never ends`);
    elements.push({ tag, open: match[0], text: html.slice(start, end) });
    markup += html.slice(at, start);
    at = end;
    openTag.lastIndex = end;
  }
  return { elements, markup: markup + html.slice(at) };
}

function configOf(html: string): { endpoint: string; tabs: unknown[]; headers?: string; storageNamespace: string } {
  const config = splitPage(html).elements.find((e) => e.open.includes('id="graphiql-config"'));
  if (!config) throw new Error("no graphiql-config element");
  return JSON.parse(config.text);
}

describe("renderGraphiqlPage", () => {
  const page = renderGraphiqlPage(OPTIONS);
  const { elements, markup } = splitPage(page);
  const scripts = elements.filter((e) => e.tag === "script");
  const styles = elements.filter((e) => e.tag === "style");

  it("inlines React 18, ReactDOM 18 and GraphiQL 3 whole, each in a script element of its own", () => {
    expect(scripts.map((s) => s.open)).toEqual([
      "<script>",
      "<script>",
      "<script>",
      '<script id="graphiql-config" type="application/json">',
      "<script>",
    ]);
    expect(scripts[0]!.text).toContain("react.production.min.js");
    expect(scripts[1]!.text).toContain("react-dom.production.min.js");
    expect(scripts[2]!.text).toContain(".GraphiQL=t(e.React,e.ReactDOM)");
    expect(scripts[0]!.text.trim()).toBe(inlineScriptText(bundle("react", "umd/react.production.min.js")).trim());
    const reactDom = bundle("react-dom", "umd/react-dom.production.min.js");
    expect(scripts[1]!.text.trim()).toBe(inlineScriptText(reactDom).trim());
    expect(scripts[2]!.text.trim()).toBe(inlineScriptText(bundle("graphiql", "graphiql.min.js")).trim());
    expect(scripts[4]!.text).toContain("GraphiQL.createFetcher({ url: config.endpoint })");
  });

  it("inlines GraphiQL's stylesheet and fills the viewport", () => {
    expect(styles).toHaveLength(2);
    expect(styles[0]!.text).toContain("html, body, #graphiql { height: 100%; margin: 0; }");
    expect(styles[1]!.text).toContain(".graphiql-container");
    expect(styles[1]!.text.trim()).toBe(inlineStyleText(bundle("graphiql", "graphiql.min.css")).trim());
  });

  it("has no `</script` or `</style` except the real closing tags", () => {
    expect(page.match(/<\/script/gi)).toHaveLength(scripts.length);
    expect(page.match(/<\/style/gi)).toHaveLength(styles.length);
  });

  it("loads nothing from any other site", () => {
    // Outside the inlined code: no attribute that loads anything, and no URL at all.
    expect(markup).not.toMatch(/\b(src|href|srcset|action|poster|data)\s*=/i);
    expect(markup).not.toMatch(/<link\b/i);
    expect(markup).not.toMatch(/https?:|\/\//);
    // The stylesheets may only use data URLs. (The JavaScript bundles do contain URL strings: license headers,
    // documentation links shown as text; only what the browser fetches by itself matters.)
    const css = styles.map((s) => s.text).join("\n");
    expect(css).not.toMatch(/@import/i);
    const urls = [...css.matchAll(/url\(\s*["']?([^"')\s]*)/gi)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.filter((url) => !url.startsWith("data:"))).toEqual([]);
    // Devtools would fetch a source map named in a trailing comment.
    expect(page).not.toMatch(/sourceMappingURL/);
    expect(scripts[4]!.text).not.toMatch(/https?:/);
  });

  it("opens every example as a tab, the first active, with the default headers in each", () => {
    const headers = JSON.stringify(OPTIONS.defaultHeaders, null, 2);
    const config = configOf(page);
    expect(config.endpoint).toBe("/graphql");
    expect(config.headers).toBe(headers);
    expect(config.tabs).toEqual(
      DEMO_EXAMPLES.map((e) => ({
        query: e.query,
        variables: e.variables === undefined ? null : JSON.stringify(e.variables, null, 2),
        headers,
      })),
    );
    expect(scripts[4]!.text).toContain("props.defaultTabs = config.tabs");
    expect(scripts[4]!.text).toContain("shouldPersistHeaders: false");
  });

  it("gives the page its title, HTML-escaped, and a default one", () => {
    expect(page).toContain("<title>License gateway</title>");
    expect(renderGraphiqlPage({ ...OPTIONS, title: "A & <B>" })).toContain("<title>A &#38; &#60;B&#62;</title>");
    expect(renderGraphiqlPage({ endpoint: "/graphql", examples: [] })).toContain("<title>GraphiQL</title>");
  });

  it("embeds examples that contain markup without letting them end the script", () => {
    const hostile = "# </script><script>alert(1)</script> <!-- <script>\nquery Q { __typename }";
    const variables = { x: "</SCRIPT>" };
    const examples = [{ name: "hostile", query: hostile, variables }];
    const html = renderGraphiqlPage({ endpoint: "/graphql", examples });
    const split = splitPage(html);
    expect(split.elements.filter((e) => e.tag === "script")).toHaveLength(5);
    const tab = { query: hostile, variables: JSON.stringify(variables, null, 2), headers: null };
    expect(configOf(html).tabs).toEqual([tab]);
  });

  it("keeps browser storage per set of examples, so changed examples are not hidden by stored tabs", () => {
    const other = renderGraphiqlPage({ ...OPTIONS, examples: DEMO_EXAMPLES.slice(1) });
    expect(configOf(page).storageNamespace).toBe(configOf(renderGraphiqlPage(OPTIONS)).storageNamespace);
    expect(configOf(page).storageNamespace).not.toBe(configOf(other).storageNamespace);
  });

  it("rejects an empty endpoint, quoting it", () => {
    expect(() => renderGraphiqlPage({ endpoint: " ", examples: [] })).toThrow(/endpoint.*" "/);
  });

  it("renders quickly once the bundles are cached", () => {
    renderGraphiqlPage(OPTIONS);
    const started = performance.now();
    const again = renderGraphiqlPage(OPTIONS);
    expect(performance.now() - started).toBeLessThan(100);
    expect(again).toBe(page);
  });
});

describe("inlining", () => {
  it("escapes `</script` in any case and drops source-map comments", () => {
    const js = 'var a = "</script>", b = /<\\/SCRIPT>/;\n//# sourceMappingURL=index.umd.js.map\n';
    expect(inlineScriptText(js)).toBe('var a = "<\\/script>", b = /<\\/SCRIPT>/;\n\n');
  });

  it("neutralises remote stylesheet resources and keeps data URLs and same-site ones", () => {
    const css = [
      '@import url("https://fonts.googleapis.com/css?family=Roboto");',
      "@import '//cdn.example/x.css';",
      ".a{background:url(https://cdn.example/a.png)}",
      ".b{background:url( '//cdn.example/b.png' )}",
      ".c{background:url(data:image/png;base64,AAAA)}",
      ".d{background:url(/img/d.png)}",
      '.e::after{content:"</style>"}',
    ].join("\n");
    expect(inlineStyleText(css)).toBe(
      [
        "",
        "",
        '.a{background:url("data:,")}',
        '.b{background:url("data:,")}',
        ".c{background:url(data:image/png;base64,AAAA)}",
        ".d{background:url(/img/d.png)}",
        '.e::after{content:"<\\/style>"}',
      ].join("\n"),
    );
  });
});

describe("DEMO_EXAMPLES", () => {
  it("come from operations/*.graphql: the committed generated module is what the script gives", async () => {
    const committed = readFileSync(GRAPHIQL_DOCUMENTS_FILE, "utf8");
    expect(
      committed === (await generateGraphiqlDocuments()),
      "src/server/graphiql-documents.generated.ts is stale: run `npm run codegen`",
    ).toBe(true);
  });

  it.each(DEMO_EXAMPLES.map((e) => [e.name, e] as const))("%s is one named operation after a comment", (_, example) => {
    expect(example.query.split("\n")[0]).toMatch(/^# \S/);
    const operations = parse(example.query).definitions.filter((d): d is OperationDefinitionNode => d.kind === "OperationDefinition");
    expect(operations).toHaveLength(1);
    expect(operations[0]!.name?.value).toMatch(/^[A-Z]\w+$/);
  });

  it("has unique names and operation names", () => {
    expect(new Set(DEMO_EXAMPLES.map((e) => e.name)).size).toBe(DEMO_EXAMPLES.length);
    const operationNames = DEMO_EXAMPLES.map((e) => /(?:query|mutation) (\w+)/.exec(e.query)?.[1]);
    expect(new Set(operationNames).size).toBe(DEMO_EXAMPLES.length);
  });

  // The committed, emitted schema (see STYLE.md); once it exists, examples that drift from it fail here.
  const schemaPath = fileURLToPath(new URL("../../schema/schema.graphql", import.meta.url));
  it.skipIf(!existsSync(schemaPath))("validates against schema/schema.graphql", () => {
    const schema = buildSchema(readFileSync(schemaPath, "utf8"));
    for (const example of DEMO_EXAMPLES) {
      expect(validate(schema, parse(example.query)).map(String), example.name).toEqual([]);
    }
  });
});

describe("the headers editor for the auth mode", () => {
  const tabHeaders = (html: string) => (configOf(html).tabs as Array<{ headers: string | null }>).map((tab) => tab.headers);
  const examples = DEMO_EXAMPLES.slice(0, 2);

  it("auth on: every tab starts with an Authorization template, and no auth-off notice", () => {
    const html = renderGraphiqlPage({ endpoint: "/graphql", examples, auth: "on" });
    const template = '{\n  "authorization": "Bearer <your API key>"\n}';
    expect(configOf(html).headers).toBe(template);
    expect(tabHeaders(html)).toEqual([template, template]);
    expect(html).not.toContain('id="graphiql-auth-notice"');
  });

  it("auth off: `{}` (GraphiQL parses the editor as JSON, no comments) and a notice on the page saying why", () => {
    const html = renderGraphiqlPage({ endpoint: "/graphql", examples, auth: "off" });
    expect(configOf(html).headers).toBe("{}");
    expect(tabHeaders(html)).toEqual(["{}", "{}"]);
    const notice = /<p id="graphiql-auth-notice"[^>]*>(.*)<\/p>/.exec(splitPage(html).markup)?.[1];
    expect(notice).toContain("Authentication is off");
    expect(notice).toContain("<code>{&#34;authorization&#34;:&#34;Bearer &#60;your API key&#62;&#34;}</code>");
  });

  it("explicit defaultHeaders win over the template; with no auth mode nothing is prefilled", () => {
    const html = renderGraphiqlPage({ endpoint: "/graphql", examples, auth: "on", defaultHeaders: { "x-api-key": "k" } });
    expect(configOf(html).headers).toBe('{\n  "x-api-key": "k"\n}');
    const plain = renderGraphiqlPage({ endpoint: "/graphql", examples });
    expect(configOf(plain).headers).toBeUndefined();
    expect(tabHeaders(plain)).toEqual([null, null]);
    expect(plain).not.toContain('id="graphiql-auth-notice"');
  });
});
