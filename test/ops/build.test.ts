import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { buildClientSchema, getIntrospectionQuery, printSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, spawnDemo, type GatewayProcess } from "../support/gateway-process.js";

/**
 * The production build: dist/, which vitest's global setup builds from the sources with `npm run build`'s script,
 * run as the image and `npm start` run it (START_COMMAND: plain node, no TypeScript transform). The demo needs
 * every file the sources read next to themselves (the simulators' OpenAPI documents) and from node_modules
 * (GraphiQL's assets), and type-graphql needs its decorators and class names to survive bundling.
 */
let demo: GatewayProcess;
let url: string;

beforeAll(async () => {
  demo = spawnDemo();
  url = await demo.url;
}, 60_000);

afterAll(() => {
  demo?.child.kill("SIGKILL");
});

async function gql(query: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  return { status: res.status, body: await res.json() };
}

describe("the built demo (node dist/main.js)", () => {
  it("answers the README's query with licenses from every vendor simulator, whose OpenAPI documents it read from dist/", async () => {
    const res = await gql(`{ customers { edges { node { name licenses { key status source { id } } } } } }`);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const sources = new Set(res.body.data.customers.edges.flatMap((e: any) => e.node.licenses.map((l: any) => l.source.id)));
    expect(sources).toEqual(new Set(["sofar", "smartgridone", "cryptolens", "flashstart", "local"]));
  });

  it("prints schema/schema.graphql byte for byte: type-graphql's decorators and class names survive the bundle", async () => {
    const res = await gql(
      getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        inputValueDeprecation: true,
        oneOf: true,
      }),
    );
    expect(res.body.errors).toBeUndefined();
    const committed = await readFile(join(ROOT, "schema", "schema.graphql"), "utf8");
    // The committed file is the printed schema under a one-paragraph header (src/graphql/print.ts).
    const header = committed.slice(0, committed.indexOf("\n\n") + 2);
    expect(header + printSchema(buildClientSchema(res.body.data)) + "\n").toBe(committed);
  });

  it("serves GraphiQL with its assets read from node_modules", async () => {
    const res = await fetch(url, { headers: { accept: "text/html" } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("AllCustomersAndLicenses");
    // React's and GraphiQL's own code, inlined.
    expect(html.length).toBeGreaterThan(1_000_000);
  });
});

describe("dist/", () => {
  it("has a linked source map per entry, naming the sources without holding them", async () => {
    for (const entry of ["main", "cli"]) {
      const code = await readFile(join(ROOT, "dist", `${entry}.js`), "utf8");
      expect(code.trimEnd().endsWith(`//# sourceMappingURL=${entry}.js.map`), entry).toBe(true);
      const map = JSON.parse(await readFile(join(ROOT, "dist", `${entry}.js.map`), "utf8")) as {
        sources: string[];
        sourcesContent?: unknown;
      };
      expect(map.sources, entry).toContain(`../src/${entry}.ts`);
      expect(
        map.sources.filter((s) => !s.startsWith("../src/")),
        entry,
      ).toEqual([]);
      expect(map.sourcesContent, entry).toBeUndefined();
    }
  });
});

describe("bin/license-gateway.js", () => {
  it("runs the built CLI", async () => {
    const { stderr } = await promisify(execFile)(process.execPath, [join(ROOT, "bin", "license-gateway.js"), "--help"]);
    expect(stderr).toContain("usage: license-gateway");
  });

  it("says how to build when dist/cli.js is missing, and exits 1", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lg-bin-"));
    try {
      await mkdir(join(dir, "bin"));
      await copyFile(join(ROOT, "bin", "license-gateway.js"), join(dir, "bin", "license-gateway.js"));
      const failed = await promisify(execFile)(process.execPath, [join(dir, "bin", "license-gateway.js"), "--help"]).catch(
        (e: unknown) => e as { code: number; stderr: string },
      );
      expect(failed).toMatchObject({ code: 1 });
      expect((failed as { stderr: string }).stderr).toContain("dist/cli.js is missing; build it with `npm run build`");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
