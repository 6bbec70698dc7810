/**
 * Whether Hive Gateway and the gateway answered the same thing, so that comparing their speed is honest: for
 * each customer of an operation, the same licenses (Eniris license UUID and key). The gateway's License id is
 * `sofar:<uuid>`; Hive's is the vendor's UUID.
 */

interface LicenseLike {
  id?: unknown;
  key?: unknown;
}

/** Per customer, in the operation's order: its licenses as sorted `uuid key` strings. */
export type LicensesByCustomer = string[][];

function licenseList(licenses: LicenseLike[] | undefined): string[] {
  return (licenses ?? []).map((l) => `${String(l.id).replace(/^sofar:/, "")} ${String(l.key)}`).sort();
}

function data(body: string): Record<string, unknown> {
  const parsed = JSON.parse(body) as { data?: Record<string, unknown> | null };
  if (!parsed.data) throw new Error(`no data in the answer: ${body.slice(0, 200)}`);
  return parsed.data;
}

interface GatewayCustomer {
  licensesConnection?: { edges?: Array<{ node?: LicenseLike }> };
}

/** The gateway's `customer(id)` or `nodes(ids)` answer of the sofar scenarios. */
export function gatewayLicenses(body: string): LicensesByCustomer {
  const d = data(body);
  const customers = (d.nodes as GatewayCustomer[] | undefined) ?? [d.customer as GatewayCustomer];
  return customers.map((c) => licenseList(c?.licensesConnection?.edges?.map((e) => e.node ?? {})));
}

/** Hive's `getLicensesByCustomer` answer (one field, or one alias per customer in order). */
export function hiveLicenses(body: string): LicensesByCustomer {
  return Object.values(data(body)).map((answer) => licenseList((answer as { licenses?: LicenseLike[] } | null)?.licenses));
}

/** Differences, one line per customer that differs; empty when the answers carry the same licenses. */
export function compareLicenses(gateway: LicensesByCustomer, hive: LicensesByCustomer): string[] {
  if (gateway.length !== hive.length) return [`${gateway.length} customers in the gateway's answer, ${hive.length} in Hive's`];
  const differences: string[] = [];
  gateway.forEach((expected, i) => {
    const actual = hive[i]!;
    if (expected.length === 0) differences.push(`customer ${i + 1}: no licenses in the gateway's answer`);
    else if (expected.join(",") !== actual.join(","))
      differences.push(`customer ${i + 1}: gateway [${expected.join(", ")}], Hive [${actual.join(", ")}]`);
  });
  return differences;
}
