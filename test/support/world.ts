import { deterministicUuid } from "../../src/simulators/deterministic-uuid.js";
import type { DemoVendors } from "../../src/demo/vendors.js";
import type { EsmartUser } from "../../src/simulators/esmart/request-context.js";

export interface SyntheticCustomer {
  id: string;
  nodeId: string;
  serialNumber: string;
  accounts: { source: string; externalId: string }[];
}

/**
 * Adds `count` customers to every simulator's live data, each with one license at each license vendor, all
 * linked to one new controller of theirs, and that controller's hardware at eSmart: a world large enough to
 * show an N+1. `esmartUser` must be the user the eSmart simulator was started with (it is granted the new ids).
 */
export function addSyntheticCustomers(vendors: DemoVendors, esmartUser: EsmartUser, count: number): SyntheticCustomer[] {
  const out: SyntheticCustomer[] = [];
  for (let i = 0; i < count; i++) {
    const n = String(i + 1).padStart(3, "0");
    const nodeId = `syn-ctrl-${n}`;
    const serialNumber = `SYN-SN-${n}`;
    const created = "2025-01-10T00:00:00Z";

    const enirisId = deterministicUuid(`synthetic:sofar:customer:${n}`);
    const sofar = vendors.sofar.data;
    sofar.customers.push({ id: enirisId, name: `Synthetic ${n}` });
    sofar.controllers.push({
      deviceId: deterministicUuid(`synthetic:device:${n}`),
      nodeId,
      name: `Synthetic controller ${n}`,
      serialNumber,
      lastUpdate: created,
    });
    const licenseId = deterministicUuid(`synthetic:sofar:license:${n}`);
    sofar.licenses.push({
      id: licenseId,
      key: `SYN-SOFAR-${n}`,
      customerId: enirisId,
      gridKw: null,
      solarKw: 5,
      batteryKw: null,
      evKw: null,
      creationDate: created,
      activationDate: created,
      duration: 120,
      deactivationDate: null,
      type: "residential",
    });
    sofar.datalinks.push({ id: deterministicUuid(`synthetic:sofar:datalink:${n}`), licenseId, nodeId, createdAt: created });

    const cryptolensId = 1000 + i;
    const cl = vendors.cryptolens.data;
    cl.customers.push({
      id: cryptolensId,
      name: `Synthetic ${n}`,
      email: `syn${n}@example.com`,
      companyName: "",
      secret: `syn-secret-${n}`,
      created: "2025-01-10T00:00:00",
    });
    cl.keys.push({
      productId: cl.productId,
      id: 5000 + i,
      key: `SYNTH-ETICK-EYXXX-${String(10000 + i).slice(-5)}`,
      created: "2025-01-10T00:00:00",
      expires: "2035-01-10T00:00:00",
      period: 3652,
      f1: false,
      f2: false,
      f3: true,
      f4: false,
      f5: false,
      f6: false,
      f7: false,
      f8: false,
      notes: "",
      block: false,
      globalId: 90000 + i,
      customerId: cryptolensId,
      maxNoOfMachines: 3,
      activatedMachines: [{ mid: nodeId, ip: "127.0.0.1", time: "2025-01-11T00:00:00", friendlyName: null }],
      dataObjects: [],
    });

    const code = 7000 + i;
    const fs = vendors.flashstart.data;
    fs.customers.push({ code, name: `Synthetic ${n}`, demosUsed: 0 });
    fs.licences.push({
      id: 8000 + i,
      customerCode: code,
      code: "FS-CLOUD-12M-V2",
      info: "Synthetic",
      lang: "EN",
      status: "active",
      activationDate: "2025-01-10 00:00:00",
      expirationDate: "2035-01-10 00:00:00",
      durationMonths: 120,
    });

    const esmartId = `ES-SYN-${n}`;
    const es = vendors.esmart.data;
    es.customers.push({
      area: 2,
      CustomerId: esmartId,
      Name: `Synthetic ${n}`,
      Email: `syn${n}@example.com`,
      PhoneNumber: "3210000000",
      MobileNumber: null,
      Address: "Street 1",
      PostalCode: "1000",
      City: "Brussels",
    });
    es.gateways.push({
      area: 2,
      customerId: esmartId,
      GatewayId: deterministicUuid(`synthetic:gateway:${n}`),
      SerialNumber: serialNumber,
      ExternalId: `esg-syn-${n}`,
      ParticipantId: 9000 + i,
      Name: `Gateway ${n}`,
      IsActive: true,
      LastSeenUtc: "2025-06-01T00:00:00",
      FirmwareVersion: "4.2.1",
    });
    es.devices.push({
      area: 2,
      DeviceId: deterministicUuid(`synthetic:esdevice:${n}`),
      SerialNumber: `SYN-DEV-${n}`,
      GatewaySerialNumber: serialNumber,
      Type: "Meter",
      Name: `Meter ${n}`,
      IsActive: true,
    });
    esmartUser.customerIds.push(esmartId);

    out.push({
      id: `syn-customer-${n}`,
      nodeId,
      serialNumber,
      accounts: [
        { source: "sofar", externalId: enirisId },
        { source: "cryptolens", externalId: String(cryptolensId) },
        { source: "flashstart", externalId: String(code) },
        { source: "esmart", externalId: esmartId },
      ],
    });
  }
  return out;
}
