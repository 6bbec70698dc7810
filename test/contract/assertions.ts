import { inspect } from "node:util";
import { expect } from "vitest";
import type { ErrorCode } from "../../src/errors/codes.js";
import { GatewayError } from "../../src/errors/gateway-error.js";
import type { License, LicenseStatus } from "../../src/domain/model.js";

/** The assertions both contract suites share: the License model's invariants and what every failure must carry. */

const STATUSES: readonly LicenseStatus[] = ["INACTIVE", "ACTIVE", "EXPIRED", "DEACTIVATED", "BLOCKED"];

/** One call of a source as the suites run it: the value of every slot, or the call's rejection in a one-slot list. */
export interface Probe {
  name: string;
  run(): Promise<unknown[]>;
}

/** A batch method must slot its failures, never reject as a whole: a rejection shows up as this (not an Error). */
export interface BatchRejected {
  batchRejected: unknown;
}

/** Slots of a batch call; a whole-batch rejection becomes a BatchRejected, which no failure assertion accepts. */
export function batch(name: string, call: () => Promise<unknown[]>): Probe {
  return { name, run: () => call().catch((error: unknown): BatchRejected[] => [{ batchRejected: error }]) };
}

/** A single-value call: its value, or its rejection. */
export function single(name: string, call: () => Promise<unknown>): Probe {
  return {
    name,
    run: () =>
      call().then(
        (value) => [value],
        (error: unknown) => [error],
      ),
  };
}

/**
 * A failure as the contract wants it: a GatewayError with `code` and the source's id, whose every printable form
 * (String, message, JSON, util.inspect with its cause chain) is free of every credential in `secrets`.
 */
export function expectFailure(value: unknown, code: ErrorCode, sourceId: string, secrets: readonly string[], where: string): GatewayError {
  expect(value, `${where}: a GatewayError`).toBeInstanceOf(GatewayError);
  const error = value as GatewayError;
  expect({ code: error.code, source: error.source }, where).toEqual({ code, source: sourceId });
  const forms = {
    "String(error)": String(error),
    "error.message": error.message,
    "JSON.stringify(error)": JSON.stringify(error),
    "util.inspect(error)": inspect(error, { depth: 8, showHidden: true }),
  };
  for (const secret of secrets) {
    for (const [form, text] of Object.entries(forms)) expect(text.includes(secret), `${where}: ${form} shows a credential`).toBe(false);
  }
  return error;
}

/** Runs every probe at once and expects each of its slots to be the failure `code`. Returns how many slots. */
export async function expectEveryProbeFails(
  probes: readonly Probe[],
  code: ErrorCode,
  sourceId: string,
  secrets: readonly string[],
): Promise<number> {
  const results = await Promise.all(probes.map(async (p) => ({ name: p.name, slots: await p.run() })));
  let slots = 0;
  for (const { name, slots: values } of results) {
    expect(values.length, `${name}: one slot per key`).toBeGreaterThan(0);
    values.forEach((value, i) => expectFailure(value, code, sourceId, secrets, `${name} slot ${i}`));
    slots += values.length;
  }
  return slots;
}

const isValidDateOrNull = (value: unknown): boolean => value === null || (value instanceof Date && Number.isFinite(value.getTime()));
const isIntOrNull = (value: unknown): boolean => value === null || Number.isInteger(value);

/**
 * The one License model's invariants (src/domain/model.ts), whatever the vendor. `account`, when given, is the
 * account the license was listed under: the license must name it.
 */
export function expectLicenseInvariants(license: License, sourceId: string, account?: string): void {
  const at = `license ${JSON.stringify(license.externalId)}`;
  expect(license.source, `${at}: source`).toBe(sourceId);
  expect(typeof license.externalId === "string" && license.externalId.length > 0, `${at}: non-empty externalId`).toBe(true);
  expect(typeof license.key === "string" && license.key.length > 0, `${at}: non-empty key`).toBe(true);
  expect(STATUSES, `${at}: status`).toContain(license.status);
  for (const field of ["createdAt", "activatedAt", "expiresAt", "deactivatedAt"] as const) {
    expect(isValidDateOrNull(license[field]), `${at}: ${field} is a valid Date or null (got ${String(license[field])})`).toBe(true);
  }
  if (license.expiresAt !== null) {
    for (const start of ["activatedAt", "createdAt"] as const) {
      const from = license[start];
      if (from !== null) expect(license.expiresAt.getTime(), `${at}: expiresAt ≥ ${start}`).toBeGreaterThanOrEqual(from.getTime());
    }
  }
  for (const field of ["gridKw", "solarKw", "batteryKw", "evKw"] as const) {
    expect(isIntOrNull(license[field]), `${at}: ${field} is an integer or null (got ${String(license[field])})`).toBe(true);
  }
  expect(
    license.features === null || (Array.isArray(license.features) && license.features.every((f) => typeof f === "string")),
    `${at}: features`,
  ).toBe(true);
  expect(
    license.maxControllers === null || (Number.isInteger(license.maxControllers) && license.maxControllers > 0),
    `${at}: maxControllers`,
  ).toBe(true);
  expect(license.datalinks === null || Array.isArray(license.datalinks), `${at}: datalinks is an array or null`).toBe(true);
  for (const link of license.datalinks ?? []) {
    expect(typeof link.id === "string" && link.id.length > 0, `${at}: datalink id`).toBe(true);
    expect({ source: link.source, licenseExternalId: link.licenseExternalId }, `${at}: datalink owner`).toEqual({
      source: sourceId,
      licenseExternalId: license.externalId,
    });
    expect(isValidDateOrNull(link.createdAt), `${at}: datalink createdAt`).toBe(true);
  }
  if (account !== undefined) expect(license.account, `${at}: account`).toEqual({ source: sourceId, externalId: account });
}
