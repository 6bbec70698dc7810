import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEsmartSimulator, type EsmartSimulator } from "../../../src/simulators/esmart/server.js";
import type { ControllerHardware, CustomerProfile } from "../../../src/sources/source.js";
import {
  OWNER_USER,
  SOURCE_ID,
  callLog,
  closeSources,
  customerPath,
  devicesPath,
  expectGatewayError,
  gatewayPath,
  simulatorUsers,
  sourceFor,
} from "./support.js";

/** Profiles and hardware as the directory reads them from the simulator's seed, in both areas. */

let sim: EsmartSimulator;

beforeAll(async () => {
  sim = await startEsmartSimulator({ users: simulatorUsers() });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});
afterEach(async () => {
  await closeSources();
});

const ex = () => sim.data.examples;
const rawCustomer = (id: string, area: 1 | 2) => sim.data.customers.find((c) => c.CustomerId === id && c.area === area)!;
const rawGateway = (serial: string, area: 1 | 2) => sim.data.gateways.find((g) => g.SerialNumber === serial && g.area === area)!;

function expectedProfile(id: string, area: 1 | 2): CustomerProfile {
  const c = rawCustomer(id, area);
  return {
    source: SOURCE_ID,
    externalId: id,
    name: c.Name,
    email: c.Email,
    phoneNumber: c.PhoneNumber,
    mobileNumber: c.MobileNumber,
    address: c.Address,
    postalCode: c.PostalCode,
    city: c.City,
  };
}

describe("profiles", () => {
  it("maps every field of a customer (GET api/customers/{id}), one call per id", async () => {
    const source = sourceFor(sim);
    const ids = [ex().customerInBothAreasId, ex().customerWithoutPhoneId];
    const profiles = await source.directory.profiles(ids);
    expect(profiles).toEqual([expectedProfile(ids[0]!, 2), expectedProfile(ids[1]!, 2)]);
    // A customer without a phone number has null, not "".
    expect((profiles[1] as CustomerProfile).phoneNumber).toBeNull();
    expect(callLog(sim).sort()).toEqual(ids.map((id) => `GET ${customerPath(id)} 200`).sort());
  });

  it("a customer eSmart does not know (404) is null, and the source stays healthy", async () => {
    const source = sourceFor(sim);
    expect(await source.directory.profiles(["ES-99999"])).toEqual([null]);
    expect(callLog(sim)).toEqual([`GET ${customerPath("ES-99999")} 404`]);
    expect(source.health().state).toBe("ok");
  });

  it("another user's customer (403) is UPSTREAM_FORBIDDEN in its slot only", async () => {
    const source = sourceFor(sim, { username: OWNER_USER.username, password: OWNER_USER.password });
    const [own, other] = await source.directory.profiles([OWNER_USER.customerIds[0]!, ex().powerOnlyCustomerId]);
    expect(own).toEqual(expectedProfile(OWNER_USER.customerIds[0]!, 2));
    const error = expectGatewayError(other, "UPSTREAM_FORBIDDEN");
    expect(error.upstreamStatus).toBe(403);
  });

  it("one failing id does not fail its neighbours: [found, unknown, 500] → [profile, null, Error]", async () => {
    const source = sourceFor(sim);
    const failing = ex().customerWithoutPhoneId;
    sim.fault({ path: customerPath(failing), kind: "status", status: 500 });
    const [found, unknown, failed] = await source.directory.profiles([ex().customerInBothAreasId, "ES-99999", failing]);
    expect(found).toEqual(expectedProfile(ex().customerInBothAreasId, 2));
    expect(unknown).toBeNull();
    expectGatewayError(failed, "UPSTREAM_UNAVAILABLE");
  });

  it("an empty list makes no call", async () => {
    const source = sourceFor(sim);
    expect(await source.directory.profiles([])).toEqual([]);
    expect(sim.calls.count()).toBe(0);
  });
});

describe("area", () => {
  it("sends X-Area: 2 on every call of a Power source and X-Area: 1 on every call of a Net source", async () => {
    const power = sourceFor(sim, { area: "power" });
    await power.directory.profiles([ex().customerInBothAreasId]);
    await power.directory.hardware([ex().activeGatewaySerialNumber]);
    await power.directory.updateContact(ex().customerInBothAreasId, { mobileNumber: "32470000001" });
    const powerCalls = sim.calls.areas();
    // profile, gateway, devices, PATCH
    expect(powerCalls).toHaveLength(4);
    expect(powerCalls.map((c) => [c.header, c.area])).toEqual(powerCalls.map(() => ["2", 2]));

    sim.calls.reset();
    const net = sourceFor(sim, { area: "net" });
    await net.directory.profiles([ex().customerInBothAreasId]);
    await net.directory.hardware([ex().gatewayInBothAreasSerialNumber]);
    await net.directory.updateContact(ex().customerInBothAreasId, { mobileNumber: "32470000002" });
    const netCalls = sim.calls.areas();
    expect(netCalls).toHaveLength(4);
    expect(netCalls.map((c) => [c.header, c.area])).toEqual(netCalls.map(() => ["1", 1]));
  });

  it("the same customer id reads a different profile in each area", async () => {
    const id = ex().customerInBothAreasId;
    const [power] = await sourceFor(sim, { area: "power" }).directory.profiles([id]);
    const [net] = await sourceFor(sim, { area: "net" }).directory.profiles([id]);
    expect(power).toEqual(expectedProfile(id, 2));
    expect(net).toEqual(expectedProfile(id, 1));
    expect((power as CustomerProfile).name).not.toBe((net as CustomerProfile).name);
  });

  it("a customer of one area only is null in the other", async () => {
    const power = sourceFor(sim, { area: "power" });
    const net = sourceFor(sim, { area: "net" });
    expect(await power.directory.profiles([ex().netOnlyCustomerId, ex().powerOnlyCustomerId])).toEqual([
      null,
      expectedProfile(ex().powerOnlyCustomerId, 2),
    ]);
    expect(await net.directory.profiles([ex().netOnlyCustomerId, ex().powerOnlyCustomerId])).toEqual([
      expectedProfile(ex().netOnlyCustomerId, 1),
      null,
    ]);
  });

  it("the same serial number reads a different gateway in each area", async () => {
    const serial = ex().gatewayInBothAreasSerialNumber;
    const [power] = await sourceFor(sim, { area: "power" }).directory.hardware([serial]);
    const [net] = await sourceFor(sim, { area: "net" }).directory.hardware([serial]);
    expect((power as ControllerHardware).externalId).toBe(rawGateway(serial, 2).ExternalId);
    expect((net as ControllerHardware).externalId).toBe(rawGateway(serial, 1).ExternalId);
    expect((power as ControllerHardware).devices.length).not.toBe((net as ControllerHardware).devices.length);
  });
});

describe("hardware", () => {
  it("reads the gateway by serial number, then its devices by ExternalId, and maps both", async () => {
    const source = sourceFor(sim);
    const serial = ex().activeGatewaySerialNumber;
    const g = rawGateway(serial, 2);
    const [hardware] = await source.directory.hardware([serial]);
    const devices = sim.data.devices.filter((d) => d.area === 2 && d.GatewaySerialNumber === serial);
    expect(devices).toHaveLength(4);
    expect(hardware).toEqual({
      source: SOURCE_ID,
      serialNumber: serial,
      gatewayId: g.GatewayId,
      externalId: g.ExternalId,
      name: g.Name,
      active: true,
      // The seed's "2025-06-30T00:12:00" has no zone: it is UTC.
      lastSeenAt: new Date(`${g.LastSeenUtc}Z`),
      firmwareVersion: g.FirmwareVersion,
      devices: devices.map((d) => ({ deviceId: d.DeviceId, serialNumber: d.SerialNumber, type: d.Type, name: d.Name, active: d.IsActive })),
    });
    expect(new Set((hardware as ControllerHardware).devices.map((d) => d.type))).toEqual(
      new Set(["Meter", "Inverter", "Battery", "EVCharger"]),
    );
    expect(callLog(sim)).toEqual([`GET ${gatewayPath(serial)} 200`, `GET ${devicesPath(g.ExternalId)} 200`]);
  });

  it("an inactive gateway and its inactive devices", async () => {
    const [hardware] = await sourceFor(sim).directory.hardware([ex().inactiveGatewaySerialNumber]);
    const h = hardware as ControllerHardware;
    expect(h.active).toBe(false);
    expect(h.devices.length).toBeGreaterThan(0);
    expect(h.devices.every((d) => d.active === false)).toBe(true);
  });

  it("a controller without eSmart hardware (404) is null, with no devices call", async () => {
    const source = sourceFor(sim);
    const serials = ex().controllerSerialNumbersWithoutGateway;
    expect(await source.directory.hardware(serials)).toEqual(serials.map(() => null));
    expect(sim.calls.count({ path: /\/devices$/ })).toBe(0);
    expect(source.health().state).toBe("ok");
  });

  it("a gateway with no devices has an empty list", async () => {
    const serial = ex().activeGatewaySerialNumber;
    sim.data.devices.splice(0, Infinity, ...sim.data.devices.filter((d) => d.GatewaySerialNumber !== serial));
    const [hardware] = await sourceFor(sim).directory.hardware([serial]);
    expect((hardware as ControllerHardware).devices).toEqual([]);
  });

  it("a failing devices call fails that serial only; its neighbours are answered", async () => {
    const source = sourceFor(sim);
    const failing = ex().activeGatewaySerialNumber;
    sim.fault({ path: devicesPath(rawGateway(failing, 2).ExternalId), kind: "status", status: 503 });
    const serials = [failing, ex().inactiveGatewaySerialNumber, ex().controllerSerialNumbersWithoutGateway[0]!];
    const [failed, inactive, none] = await source.directory.hardware(serials);
    expectGatewayError(failed, "UPSTREAM_UNAVAILABLE");
    expect((inactive as ControllerHardware).serialNumber).toBe(ex().inactiveGatewaySerialNumber);
    expect(none).toBeNull();
  });

  it("another user's gateway (403) is UPSTREAM_FORBIDDEN; the user's own is read", async () => {
    const source = sourceFor(sim, { username: OWNER_USER.username, password: OWNER_USER.password });
    const others = sim.data.gateways.find((g) => g.area === 2 && g.customerId !== OWNER_USER.customerIds[0])!;
    const [own, other] = await source.directory.hardware([ex().activeGatewaySerialNumber, others.SerialNumber]);
    expect((own as ControllerHardware).devices).toHaveLength(4);
    expectGatewayError(other, "UPSTREAM_FORBIDDEN");
  });

  it("a serial that cannot be a path segment is null without a call", async () => {
    const source = sourceFor(sim);
    expect(await source.directory.hardware(["", "a/b", "..", "a\\b"])).toEqual([null, null, null, null]);
    expect(sim.calls.count()).toBe(0);
  });
});

describe("validateAccountId", () => {
  it("accepts string and integer-looking ids; refuses empty ones and ones that cannot be a path segment", () => {
    const source = sourceFor(sim);
    expect(source.validateAccountId("ES-10001")).toBeNull();
    expect(source.validateAccountId("123")).toBeNull();
    expect(source.validateAccountId("kund@nr 7")).toBeNull();
    for (const bad of ["", "  ", "ES/1", "ES\\1", ".", ".."]) expect(source.validateAccountId(bad)).toEqual(expect.any(String));
  });

  it("an invalid id in a profile batch is BAD_USER_INPUT in its slot, with no call for it", async () => {
    const source = sourceFor(sim);
    const [bad, good] = await source.directory.profiles(["a/b", ex().powerOnlyCustomerId]);
    expectGatewayError(bad, "BAD_USER_INPUT");
    expect(good).toEqual(expectedProfile(ex().powerOnlyCustomerId, 2));
    expect(sim.calls.count()).toBe(1);
  });

  it("ids are percent-encoded into one path segment", async () => {
    const source = sourceFor(sim);
    expect(await source.directory.profiles(["ES 1?x=#"])).toEqual([null]);
    expect(callLog(sim)).toEqual([`GET ${customerPath("ES%201%3Fx%3D%23")} 404`]);
  });
});
