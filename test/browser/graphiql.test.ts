import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_EXAMPLES } from "../../src/server/graphiql-examples.js";
import { useTestGateway } from "../support/gateway.js";

/**
 * GraphiQL as a visitor of the demo meets it: the real page from a real gateway (the demo's data, development mode
 * as `npm start` runs it) in Debian's Chromium, driven by playwright-core (which never downloads a browser of its own).
 */

const CHROMIUM = "/usr/bin/chromium";
/**
 * The picture the README shows is rewritten only when asked (`UPDATE_SCREENSHOT=1 npx vitest run test/browser`):
 * otherwise every run would leave the checkout changed. By default it goes to the temporary directory.
 */
const SCREENSHOT = process.env.UPDATE_SCREENSHOT
  ? fileURLToPath(new URL("../../docs/graphiql.png", import.meta.url))
  : join(tmpdir(), `license-gateway-graphiql-${process.pid}.png`);
const hasChromium = existsSync(CHROMIUM);
const skipped = hasChromium ? "" : ` (skipped: no ${CHROMIUM}; install Debian's package: apt-get install -y chromium)`;
if (!hasChromium) console.warn(`test/browser/graphiql.test.ts${skipped}`);

/** GraphiQL titles each tab with the operation's name. */
const operationName = (query: string) => /^(?:query|mutation|subscription) (\w+)/m.exec(query)![1]!;
/** The example run and pictured: small enough to read whole in the screenshot, with variables and a nested result. */
const RUN = DEMO_EXAMPLES.find((e) => operationName(e.query) === "ControllerWithLicenses");
if (!RUN) throw new Error("test/browser: no ControllerWithLicenses example in DEMO_EXAMPLES; pick another to run and picture");

/**
 * The whole text of a GraphiQL editor. Its DOM holds only the lines in view, and line numbers among them;
 * CodeMirror 5 (GraphiQL 3's editor) keeps its editor object on the wrapper element, and that has it all.
 */
function editorText(wrapper: Locator): Promise<string> {
  return wrapper.evaluate((el) => (el as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
}

describe.skipIf(!hasChromium)(`GraphiQL in headless Chromium${skipped}`, () => {
  const t = useTestGateway({ serverOverrides: { mode: "development" } });
  let browser: Browser;
  let page: Page;
  /** Every URL the page asked for, whatever asked (documents, scripts, fetches, workers, WebSockets). */
  const requested: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Playwright adds --headless and a new, empty temporary profile (it refuses --user-data-dir here). The rest
      // keep Chromium's own calls home (updates, sync, field trials) from starting: a closed network refuses them
      // many at a time, and they would slow the run. Root, as CI runs, needs --no-sandbox.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    // Wide enough for the editors, the variables and the result side by side: the screenshot goes in the README.
    const context = await browser.newContext({ viewport: { width: 1440, height: 860 } });
    context.on("request", (request) => requested.push(request.url()));
    page = await context.newPage();
    page.on("websocket", (socket) => requested.push(socket.url()));
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // The schema is what the docs explorer shows; wait for its introspection so nothing is in flight later.
    const introspected = page.waitForResponse(
      (res) => res.request().method() === "POST" && /__schema/.test(res.request().postData() ?? ""),
    );
    await page.goto(t.gateway.url);
    expect((await introspected).status()).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("opens the demo's example operations as tabs, the first one active", async () => {
    const tabs = page.locator(".graphiql-tab");
    await tabs.first().waitFor();
    expect(await page.locator(".graphiql-tab-button").allTextContents()).toEqual(DEMO_EXAMPLES.map((e) => operationName(e.query)));
    expect(await page.locator('.graphiql-tab[aria-selected="true"] .graphiql-tab-button').textContent()).toBe(
      operationName(DEMO_EXAMPLES[0]!.query),
    );
  });

  it("prefills the headers editor for the demo's auth mode: off, so `{}` and a notice saying no header is needed", async () => {
    await page.locator('.graphiql-editor-tools button[data-name="headers"]').click();
    const headers = page.locator('section.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden) .CodeMirror');
    expect(await editorText(headers)).toBe("{}");
    const notice = page.locator("#graphiql-auth-notice");
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.innerText()).toContain("Authentication is off on this server (the demo)");
  });

  it(`runs an example (${operationName(RUN.query)}) from its tab and shows the demo's answer`, async () => {
    await page.locator(".graphiql-tab-button", { hasText: operationName(RUN.query) }).click();
    await page.locator('.graphiql-editor-tools button[data-name="variables"]').click();
    const answered = page.waitForResponse(
      (res) =>
        res.request().method() === "POST" && (res.request().postData() ?? "").includes(`"operationName":"${operationName(RUN.query)}"`),
    );
    await page.locator(".graphiql-execute-button").click();
    expect((await answered).status()).toBe(200);

    // The same operation asked directly: the page must show exactly that answer.
    const direct = await t.gql(RUN.query, RUN.variables);
    expect(direct.body.errors).toBeUndefined();
    const { name } = direct.body.data.controller as { name: string }; // the demo's "Verbeke hall A"
    const result = page.locator(".result-window");
    await result.getByText(`"name": "${name}"`).waitFor();
    expect(JSON.parse(await editorText(result.locator(".CodeMirror")))).toEqual(direct.body);

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.mouse.move(0, 0); // no hover tooltip in the picture
    await page.screenshot({ path: SCREENSHOT });
  });

  it("streams a subscription tab (LicenseEvents) over SSE: an event published after it started shows up in the result", async () => {
    await page.locator(".graphiql-tab-button", { hasText: "LicenseEvents" }).first().click();
    const streamed = page.waitForResponse(
      (res) => res.request().method() === "POST" && (res.request().headers()["accept"] ?? "").includes("text/event-stream"),
    );
    await page.locator(".graphiql-execute-button").click();
    const response = await streamed;
    expect(response.status(), response.status() === 200 ? "" : `${response.request().postData()} -> ${await response.text()}`).toBe(200);
    expect(response.headers()["content-type"]).toMatch(/^text\/event-stream/);
    const [event] = await t.gateway.store.licenseEvents.append([
      {
        type: "EXPIRING",
        at: new Date(),
        origin: "SYNC",
        source: "sofar",
        externalId: "BROWSER-TAB-TEST",
        customerId: "demo-customer-1",
        status: "ACTIVE",
        previousStatus: null,
        nodeId: null,
        expiresAt: new Date(Date.now() + 7 * 86_400_000),
        thresholdDays: 7,
      },
    ]);
    await t.gateway.events.publish([event!]);
    const result = page.locator(".result-window");
    await result.getByText('"licenseId": "sofar:BROWSER-TAB-TEST"').waitFor({ timeout: 15_000 });
    // Running, the execute button is the stop button: end the stream so nothing is left open.
    await page.locator(".graphiql-execute-button").click();
  });

  it("shows the schema in the docs explorer (from introspection, on in development mode)", async () => {
    await page.getByRole("button", { name: "Show Documentation Explorer" }).click();
    const docs = page.locator(".graphiql-doc-explorer");
    await docs.getByText("Query", { exact: true }).click();
    await docs.getByText("customers", { exact: true }).first().waitFor();
    expect(await docs.locator(".graphiql-doc-explorer-title").innerText()).toBe("Query");
  });

  it("asked for nothing but the gateway's own origin, and raised no page error", () => {
    const origin = new URL(t.gateway.url).origin;
    // Sanity: the recording saw the page, its introspection and the operation (an empty one would pass vacuously).
    expect(requested.filter((url) => url === t.gateway.url).length).toBeGreaterThanOrEqual(3);
    expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
