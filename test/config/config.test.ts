import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readStartupSettings, withListenOverrides } from "../../src/config/env.js";
import { ConfigError, loadConfigFile, parseConfig } from "../../src/config/load.js";

const sofar = {
  kind: "eniris",
  apiUrl: "https://api.eniris.be",
  authUrl: "https://authentication.eniris.be",
  refreshToken: "${SOFAR_REFRESH_TOKEN}",
};

describe("configuration", () => {
  it("expands ${ENV} references and applies documented defaults", () => {
    const config = parseConfig({ sources: { sofar } }, { SOFAR_REFRESH_TOKEN: "rt-123" });
    expect(config.sources.sofar).toMatchObject({ refreshToken: "rt-123", timeoutMs: 10_000, connections: 128 });
    expect(config.store.url).toBe("sqlite://./data/store.db");
    expect(config.server).toMatchObject({ host: "0.0.0.0", port: 4000, mode: "production", operationDeadlineMs: 15_000 });
    expect(config.server.limits).toMatchObject({ maxDepth: 12, maxBatch: 1 });
  });

  it("takes a Cache-Control value for GET answers, and refuses anything that could smuggle a header", () => {
    expect(parseConfig({ sources: { sofar } }, { SOFAR_REFRESH_TOKEN: "rt" }).server.getCacheControl).toBe("private, no-cache");
    expect(
      parseConfig({ sources: { sofar }, server: { getCacheControl: "public, s-maxage=30" } }, { SOFAR_REFRESH_TOKEN: "rt" }).server
        .getCacheControl,
    ).toBe("public, s-maxage=30");
    for (const bad of ["private\r\nset-cookie: x=1", "max-age=-1", ""]) {
      expect(() => parseConfig({ sources: { sofar }, server: { getCacheControl: bad } }, { SOFAR_REFRESH_TOKEN: "rt" })).toThrow(
        /server\.getCacheControl/,
      );
    }
  });

  it("names a missing environment variable and the key that needs it", () => {
    expect(() => parseConfig({ sources: { sofar } }, {})).toThrow(
      /sources\.sofar\.refreshToken: environment variable SOFAR_REFRESH_TOKEN is not set/,
    );
  });

  it.each([
    [{ sources: { sofar: { ...sofar, kind: "nope" } } }, /sources\.sofar\.kind/],
    [{ sources: { sofar: { ...sofar, apiUrl: "not a url" } } }, /sources\.sofar\.apiUrl/],
    [{ sources: { sofar: { kind: "eniris", apiUrl: "https://a", authUrl: "https://b" } } }, /refreshToken, or username and password/],
    [{ sources: { local: sofar } }, /reserved/],
    [{ sources: { sha256: sofar } }, /sources\.sha256.*reserved: trusted documents/],
    [{ sources: { "Bad Id": sofar } }, /lowercase/],
    [{ store: { url: "mysql://x" } }, /store\.url/],
    [{ sources: { sofar: { ...sofar, timeoutMs: -1 } } }, /sources\.sofar\.timeoutMs/],
    [{ surprise: true }, /surprise|Unrecognized/i],
  ])("refuses %j with a message naming the key", (document, message) => {
    expect(() => parseConfig(document, { SOFAR_REFRESH_TOKEN: "x" })).toThrow(message);
  });

  it("never puts a secret's value in the error", () => {
    try {
      parseConfig({ sources: { sofar: { ...sofar, timeoutMs: "soon" } } }, { SOFAR_REFRESH_TOKEN: "super-secret-token" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(String(error)).not.toContain("super-secret-token");
    }
  });

  it("reads YAML and JSON files, with --config or GATEWAY_CONFIG, and PORT/HOST override the listen address", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lg-config-"));
    const yaml = join(dir, "gateway.yaml");
    await writeFile(
      yaml,
      `store: { url: "memory://" }\nauth: { mode: on }\nsources:\n  sofar: { kind: eniris, apiUrl: "https://api.eniris.be", authUrl: "https://authentication.eniris.be", username: "\${U}", password: "\${P}" }\n`,
    );
    const json = join(dir, "gateway.json");
    await writeFile(json, JSON.stringify({ server: { port: 5000 }, auth: { mode: "off" } }));
    const fromFlag = await readStartupSettings(["--config", yaml], { U: "user", P: "pw", PORT: "4100", HOST: "127.0.0.1" });
    expect(fromFlag.config?.sources.sofar).toMatchObject({ username: "user", password: "pw" });
    expect(withListenOverrides(fromFlag.config!, fromFlag).server).toMatchObject({ host: "127.0.0.1", port: 4100 });
    const fromEnv = await readStartupSettings([], { GATEWAY_CONFIG: json });
    expect(fromEnv.config?.server.port).toBe(5000);
    expect((await readStartupSettings([], {})).config).toBeUndefined();
    await expect(readStartupSettings([], { PORT: "http" })).rejects.toThrow(/PORT/);
    await expect(loadConfigFile(join(dir, "missing.yaml"), {})).rejects.toThrow(/cannot read config file/);
  });

  it("refuses a config file without an auth section, naming the key (only the built-in demo runs without one)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lg-config-"));
    const file = join(dir, "no-auth.yaml");
    await writeFile(file, `store: { url: "memory://" }\n`);
    const error = await loadConfigFile(file, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(/^ConfigError: invalid config:\n {2}auth: required in a config file/);
    await writeFile(file, `store: { url: "memory://" }\nauth: {}\n`);
    expect((await loadConfigFile(file, {})).auth).toEqual({ mode: "on" });
  });
});
