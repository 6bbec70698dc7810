import { deterministicUuid } from "../deterministic-uuid.js";
import { enirisDemoData } from "../eniris/data.js";

/**
 * Deterministic demo data for the eSmart Systems customer web API (esmart.md). Same ids on every run; nothing
 * random, nothing read from the clock: dates are fixed relative to DEMO_EPOCH (2025-01-01).
 *
 * Records hold the wire fields in the API's PascalCase (esmart.md "Inferred bodies") plus camelCase fields the
 * API never returns: `area` (which part of the backend the record lives in) and `customerId` (who owns a
 * gateway), the way the Eniris seed keeps a license's `customerId` server side.
 *
 * A controller's hardware is found by its serial number (esmart.md "How the gateway maps it"), so the gateways'
 * SerialNumber values are the Eniris demo controllers' serial numbers, read from the Eniris seed rather than
 * copied, so the two simulators cannot drift apart.
 */

/** The `X-Area` header values (docs/vendors/documents/esmart.txt: "1 for Net or 2 for Power"). */
export const ESMART_AREA = { net: 1, power: 2 } as const;
export type EsmartArea = (typeof ESMART_AREA)[keyof typeof ESMART_AREA];

export type EsmartDeviceType = "Meter" | "Inverter" | "Battery" | "EVCharger";

/** A customer as GET api/customers/{customerId} returns it, plus its area. */
export interface EsmartDemoCustomer {
  area: EsmartArea;
  /**
   * Inferred: an opaque string ("ES-10001"). The seed's only hint is "PATCH api/customers/123", so the real ids
   * may be integers; the simulator treats ids as strings, so a numeric-looking id would work the same.
   */
  CustomerId: string;
  Name: string;
  Email: string | null;
  /** Digits only, at most 14 (docs/vendors/documents/esmart.txt, PATCH). */
  PhoneNumber: string | null;
  MobileNumber: string | null;
  Address: string;
  PostalCode: string;
  City: string;
}

/** A gateway as GET api/gateways/serialnumber/{serialNumber} returns it, plus its area and owner. */
export interface EsmartDemoGateway {
  area: EsmartArea;
  /** The customer who owns it; only that customer's users see it (docs/vendors/documents/esmart.txt, "his/her own resources"). */
  customerId: string;
  GatewayId: string;
  SerialNumber: string;
  ExternalId: string;
  ParticipantId: number;
  Name: string;
  IsActive: boolean;
  /** UTC without a zone designator, like the seed's "2013-09-17T22:39:30". */
  LastSeenUtc: string;
  FirmwareVersion: string;
}

/** A device as GET api/devices/serialnumber/{serialNumber} returns it, plus its area. */
export interface EsmartDemoDevice {
  area: EsmartArea;
  DeviceId: string;
  SerialNumber: string;
  GatewaySerialNumber: string;
  Type: EsmartDeviceType;
  Name: string;
  IsActive: boolean;
}

/** Handy ids for tests and the demo, each chosen from the seed by what it is, never by position. */
export interface EsmartDemoExamples {
  /** In both areas, with a different profile in each; every contact field set. */
  customerInBothAreasId: string;
  /** Only in Power (area 2). */
  powerOnlyCustomerId: string;
  /** Only in Net (area 1). */
  netOnlyCustomerId: string;
  /** In Power, without a PhoneNumber (MobileNumber only). */
  customerWithoutPhoneId: string;
  /** An active Power gateway with all four device types. */
  activeGatewaySerialNumber: string;
  activeGatewayExternalId: string;
  /** The one inactive Power gateway (its devices are inactive too). */
  inactiveGatewaySerialNumber: string;
  /** A Power gateway that also has a (different) gateway record in Net. */
  gatewayInBothAreasSerialNumber: string;
  /** Eniris demo controllers with no eSmart hardware in either area. */
  controllerSerialNumbersWithoutGateway: string[];
  /** A Battery behind the active gateway. */
  deviceSerialNumber: string;
  /** The owner of the active gateway; a user with only this customer sees it. */
  activeGatewayOwnerId: string;
}

export interface EsmartDemoData {
  customers: EsmartDemoCustomer[];
  gateways: EsmartDemoGateway[];
  devices: EsmartDemoDevice[];
  examples: EsmartDemoExamples;
}

export const DEMO_EPOCH = "2025-01-01T00:00:00Z";

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** The documented date format: ISO 8601 in UTC, seconds, no fraction and no "Z" (docs/vendors/documents/esmart.txt). */
export function esmartDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19);
}

function demoDate(offsetMs: number): string {
  return esmartDate(Date.parse(DEMO_EPOCH) + offsetMs);
}

const CUSTOMERS: Omit<EsmartDemoCustomer, "area">[] = [
  {
    CustomerId: "ES-10001",
    Name: "Zonnepark Verbeke NV",
    Email: "facturatie@verbeke-zonnepark.example",
    PhoneNumber: "3250123456",
    MobileNumber: "32470123456",
    Address: "Industrieweg 12",
    PostalCode: "8800",
    City: "Roeselare",
  },
  {
    CustomerId: "ES-10002",
    Name: "Familie Janssens",
    Email: "gezin.janssens@example.com",
    PhoneNumber: null,
    MobileNumber: "32478998877",
    Address: "Kerkstraat 4",
    PostalCode: "2440",
    City: "Geel",
  },
  {
    CustomerId: "ES-10003",
    Name: "Energiecooperatie Noorderlicht",
    Email: "beheer@noorderlicht.example",
    PhoneNumber: "3233334455",
    MobileNumber: null,
    Address: "Noorderlaan 101",
    PostalCode: "2030",
    City: "Antwerpen",
  },
  {
    CustomerId: "ES-10004",
    Name: "Garage Vermeulen BV",
    Email: "info@garage-vermeulen.example",
    PhoneNumber: "3292201100",
    MobileNumber: "32496554433",
    Address: "Gentsesteenweg 250",
    PostalCode: "9300",
    City: "Aalst",
  },
];

/**
 * Net (area 1) is the grid side of the same backend: a smaller, different set. Verbeke is a customer of both
 * (with the grid connection's own contact details); one customer exists only in Net.
 */
const NET_CUSTOMERS: Omit<EsmartDemoCustomer, "area">[] = [
  {
    CustomerId: "ES-10001",
    Name: "Zonnepark Verbeke NV (aansluiting)",
    Email: "netbeheer@verbeke-zonnepark.example",
    PhoneNumber: "3250123499",
    MobileNumber: null,
    Address: "Industrieweg 12 bus 2",
    PostalCode: "8800",
    City: "Roeselare",
  },
  {
    CustomerId: "ES-20001",
    Name: "Familie Dubois",
    Email: "dubois.famille@example.org",
    PhoneNumber: null,
    MobileNumber: "32475112233",
    Address: "Rue de la Station 8",
    PostalCode: "5000",
    City: "Namur",
  },
];

interface GatewayRow {
  area: EsmartArea;
  brand: "sofar" | "smartgridone";
  /** Index into the brand's Eniris demo controllers. */
  controller: number;
  customerId: string;
  name: string;
  isActive: boolean;
  /** Minutes from DEMO_EPOCH + 180 days (around the Eniris controllers' lastUpdate); negative is earlier. */
  lastSeenMinutes: number;
  firmware: string;
  devices: EsmartDeviceType[];
}

/**
 * Left without eSmart hardware on purpose: sofar controller 3 ("Spare controller (stock)") and smartgridone
 * controller 4 ("Demo rack 2").
 */
const GATEWAYS: GatewayRow[] = [
  {
    area: 2,
    brand: "sofar",
    controller: 0,
    customerId: "ES-10001",
    name: "Verbeke hall A",
    isActive: true,
    lastSeenMinutes: 12,
    firmware: "4.2.1",
    devices: ["Meter", "Inverter", "Battery", "EVCharger"],
  },
  // Inactive: hall B's Eniris license was deactivated too; last heard from months before the others.
  {
    area: 2,
    brand: "sofar",
    controller: 1,
    customerId: "ES-10001",
    name: "Verbeke hall B",
    isActive: false,
    lastSeenMinutes: -95 * 24 * 60,
    firmware: "3.9.4",
    devices: ["Meter", "Inverter"],
  },
  {
    area: 2,
    brand: "sofar",
    controller: 2,
    customerId: "ES-10002",
    name: "Janssens home",
    isActive: true,
    lastSeenMinutes: 47,
    firmware: "4.2.1",
    devices: ["Meter", "Inverter", "Battery"],
  },
  {
    area: 2,
    brand: "smartgridone",
    controller: 0,
    customerId: "ES-10003",
    name: "Noorderlicht main site",
    isActive: true,
    lastSeenMinutes: 3,
    firmware: "4.3.0",
    devices: ["Meter", "Inverter", "Battery", "EVCharger"],
  },
  {
    area: 2,
    brand: "smartgridone",
    controller: 1,
    customerId: "ES-10003",
    name: "Dubois home (member)",
    isActive: true,
    lastSeenMinutes: 6 * 60 + 20,
    firmware: "4.1.7",
    devices: ["Meter", "EVCharger"],
  },
  {
    area: 2,
    brand: "smartgridone",
    controller: 2,
    customerId: "ES-10004",
    name: "Vermeulen workshop",
    isActive: true,
    lastSeenMinutes: -2 * 24 * 60,
    firmware: "4.2.0",
    devices: ["Meter", "Inverter"],
  },
  {
    area: 2,
    brand: "smartgridone",
    controller: 3,
    customerId: "ES-10003",
    name: "Demo rack 1",
    isActive: true,
    lastSeenMinutes: 90,
    firmware: "4.3.0-rc.2",
    devices: ["Inverter"],
  },
  // Net: the grid connection meter behind Verbeke hall A, a separate gateway record with its own ids.
  {
    area: 1,
    brand: "sofar",
    controller: 0,
    customerId: "ES-10001",
    name: "Verbeke hall A grid connection",
    isActive: true,
    lastSeenMinutes: 30,
    firmware: "2.8.5",
    devices: ["Meter"],
  },
];

const DEVICE_NAMES: Record<EsmartDeviceType, string> = {
  Meter: "energy meter",
  Inverter: "PV inverter",
  Battery: "battery",
  EVCharger: "EV charger",
};

const DEVICE_CODES: Record<EsmartDeviceType, string> = { Meter: "MTR", Inverter: "INV", Battery: "BAT", EVCharger: "EVC" };

/** A fresh, independent copy of the seed on every call. */
export function esmartDemoData(): EsmartDemoData {
  const controllers = { sofar: enirisDemoData("sofar").controllers, smartgridone: enirisDemoData("smartgridone").controllers };
  const customers: EsmartDemoCustomer[] = [
    ...CUSTOMERS.map((c) => ({ area: ESMART_AREA.power, ...c })),
    ...NET_CUSTOMERS.map((c) => ({ area: ESMART_AREA.net, ...c })),
  ];
  const gateways: EsmartDemoGateway[] = [];
  const devices: EsmartDemoDevice[] = [];
  GATEWAYS.forEach((row, i) => {
    const serialNumber = controllers[row.brand][row.controller]?.serialNumber;
    if (serialNumber === undefined) throw new Error(`eniris demo seed has no ${row.brand} controller #${row.controller}`);
    const externalId = `esg-${row.area}-${String(1001 + i)}`;
    gateways.push({
      area: row.area,
      customerId: row.customerId,
      GatewayId: deterministicUuid(`esmart:gateway:${row.area}:${serialNumber}`),
      SerialNumber: serialNumber,
      ExternalId: externalId,
      // Inferred: an integer, like the other numeric ids of the seed's participant endpoints.
      ParticipantId: 470_000 + i * 17,
      Name: row.name,
      IsActive: row.isActive,
      LastSeenUtc: demoDate(180 * DAY_MS + row.lastSeenMinutes * MINUTE_MS),
      FirmwareVersion: row.firmware,
    });
    row.devices.forEach((type, d) => {
      const deviceSerial = `ESD-${DEVICE_CODES[type]}-${row.area}${String(i + 1).padStart(3, "0")}-${d + 1}`;
      devices.push({
        area: row.area,
        DeviceId: deterministicUuid(`esmart:device:${deviceSerial}`),
        SerialNumber: deviceSerial,
        GatewaySerialNumber: serialNumber,
        Type: type,
        Name: `${row.name} ${DEVICE_NAMES[type]}`,
        // Behind an inactive gateway nothing reports, so its devices are inactive too.
        IsActive: row.isActive,
      });
    });
  });
  const allSerials = [...controllers.sofar, ...controllers.smartgridone].map((c) => c.serialNumber);
  return { customers, gateways, devices, examples: pickExamples(customers, gateways, devices, allSerials) };
}

function pickExamples(
  customers: EsmartDemoCustomer[],
  gateways: EsmartDemoGateway[],
  devices: EsmartDemoDevice[],
  controllerSerials: string[],
): EsmartDemoExamples {
  const need = <T>(what: string, value: T | undefined): T => {
    if (value === undefined) throw new Error(`esmart demo seed has no ${what}`);
    return value;
  };
  const inArea = (area: EsmartArea) => new Set(customers.filter((c) => c.area === area).map((c) => c.CustomerId));
  const power = inArea(ESMART_AREA.power);
  const net = inArea(ESMART_AREA.net);
  const powerGateways = gateways.filter((g) => g.area === ESMART_AREA.power);
  const deviceTypesOf = (g: EsmartDemoGateway) =>
    new Set(devices.filter((d) => d.area === g.area && d.GatewaySerialNumber === g.SerialNumber).map((d) => d.Type));
  const active = need(
    "active gateway with four device types",
    powerGateways.find((g) => g.IsActive && deviceTypesOf(g).size === 4),
  );
  const netSerials = new Set(gateways.filter((g) => g.area === ESMART_AREA.net).map((g) => g.SerialNumber));
  const withGateway = new Set(gateways.map((g) => g.SerialNumber));
  const without = controllerSerials.filter((s) => !withGateway.has(s));
  if (without.length === 0) throw new Error("esmart demo seed needs a controller without a gateway");
  return {
    customerInBothAreasId: need(
      "customer in both areas",
      [...power].find((id) => net.has(id)),
    ),
    powerOnlyCustomerId: need(
      "Power-only customer",
      [...power].find((id) => !net.has(id)),
    ),
    netOnlyCustomerId: need(
      "Net-only customer",
      [...net].find((id) => !power.has(id)),
    ),
    customerWithoutPhoneId: need(
      "customer without phone",
      customers.find((c) => c.area === ESMART_AREA.power && c.PhoneNumber === null),
    ).CustomerId,
    activeGatewaySerialNumber: active.SerialNumber,
    activeGatewayExternalId: active.ExternalId,
    inactiveGatewaySerialNumber: need(
      "inactive gateway",
      powerGateways.find((g) => !g.IsActive),
    ).SerialNumber,
    gatewayInBothAreasSerialNumber: need(
      "gateway in both areas",
      powerGateways.find((g) => netSerials.has(g.SerialNumber)),
    ).SerialNumber,
    controllerSerialNumbersWithoutGateway: without,
    deviceSerialNumber: need(
      "battery behind the active gateway",
      devices.find((d) => d.area === active.area && d.GatewaySerialNumber === active.SerialNumber && d.Type === "Battery"),
    ).SerialNumber,
    activeGatewayOwnerId: active.customerId,
  };
}
