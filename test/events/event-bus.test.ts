import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { LicenseEvent, LicenseEventType, NewLicenseEvent } from "../../src/domain/license-events.js";
import { EventBus } from "../../src/events/event-bus.js";
import { EventStreamOverflow, LicenseEventStream } from "../../src/events/event-stream.js";
import { engines, useEngine } from "../store/engines.js";

const logger = pino({ level: "silent" });

function event(customerId: string | null, externalId: string, type: LicenseEventType = "APPEARED"): NewLicenseEvent {
  return {
    type,
    at: new Date("2026-12-06T07:00:00Z"),
    origin: "SYNC",
    source: "sofar",
    externalId,
    customerId,
    status: "ACTIVE",
    previousStatus: null,
    nodeId: null,
    expiresAt: null,
    thresholdDays: null,
  };
}

const cursors = (events: readonly LicenseEvent[]) => events.map((e) => e.cursor);

/** Everything a subscriber of `bus` receives, in order. */
function collect(bus: EventBus, filter = {}): LicenseEvent[] {
  const received: LicenseEvent[] = [];
  bus.subscribe(filter, (events) => received.push(...events));
  return received;
}

/** Takes `count` items from a stream, failing after `timeoutMs`. */
async function take(stream: LicenseEventStream, count: number, timeoutMs = 10_000): Promise<Array<LicenseEvent | EventStreamOverflow>> {
  const items: Array<LicenseEvent | EventStreamOverflow> = [];
  const deadline = setTimeout(() => void stream.return(), timeoutMs);
  try {
    while (items.length < count) {
      const next = await stream.next();
      if (next.done) break;
      items.push(next.value);
    }
  } finally {
    clearTimeout(deadline);
  }
  return items;
}

describe.each(engines)("the event bus and one subscriber's stream, on $name", (engine) => {
  const ctx = useEngine(engine);

  it("delivers each published event once, in cursor order, only to the subscribers whose filter it matches", async () => {
    const log = ctx.store.licenseEvents;
    const bus = await EventBus.start(log, logger);
    const all = collect(bus);
    const onlyC1 = collect(bus, { customerIds: ["c1"] });
    const published = await log.append([event("c1", "A"), event("c2", "B"), event("c1", "C")]);
    await bus.publish(published);
    // Again, and a part of it: already delivered.
    await bus.publish(published);
    await bus.publish(published.slice(1));
    expect(cursors(all)).toEqual(cursors(published));
    expect(onlyC1.map((e) => e.externalId)).toEqual(["A", "C"]);
    expect(bus.position).toBe(published[2]!.cursor);
  });

  it("reads the store when what is published does not follow on: another writer's unpublished events come first, in order", async () => {
    const log = ctx.store.licenseEvents;
    const bus = await EventBus.start(log, logger);
    const received = collect(bus);
    const unpublished = await log.append([event("c1", "U1"), event("c1", "U2")]);
    const published = await log.append([event("c1", "P1")]);
    await bus.publish(published);
    expect(cursors(received)).toEqual([...cursors(unpublished), ...cursors(published)]);
    // The other writer publishes later: nothing twice.
    await bus.publish(unpublished);
    expect(received).toHaveLength(3);
  });

  it("a replica told of another's events reads them from the store (announced), once, and catches up after a lost message", async () => {
    const log = ctx.store.licenseEvents;
    const one = await EventBus.start(log, logger);
    const two = await EventBus.start(log, logger);
    const atTwo = collect(two);
    const first = await log.append([event("c1", "R1"), event("c1", "R2")]);
    await one.publish(first);
    await two.announced(first.at(-1)!.cursor);
    await two.announced(first.at(-1)!.cursor);
    expect(cursors(atTwo)).toEqual(cursors(first));
    // An announcement that never arrived: the periodic catch-up finds the events.
    const lost = await log.append([event("c1", "R3")]);
    await one.publish(lost);
    await two.catchUp();
    expect(cursors(atTwo)).toEqual([...cursors(first), ...cursors(lost)]);
  });

  it("one failing subscriber does not keep the events from the others", async () => {
    const log = ctx.store.licenseEvents;
    const bus = await EventBus.start(log, logger);
    bus.subscribe({}, () => {
      throw new Error("subscriber bug");
    });
    const received = collect(bus);
    const published = await log.append([event("c1", "F1")]);
    await bus.publish(published);
    expect(cursors(received)).toEqual(cursors(published));
  });

  it("a stream resumed while events keep coming: the stored ones, then the live ones, no gap and no repeat", async () => {
    const log = ctx.store.licenseEvents;
    const bus = await EventBus.start(log, logger);
    const start = await log.latestCursor();
    const stored: LicenseEvent[] = [];
    for (let i = 0; i < 3; i++) stored.push(...(await log.append(Array.from({ length: 100 }, (_, j) => event("c1", `S${i}-${j}`)))));
    const stream = new LicenseEventStream({ bus, log, scope: undefined, filter: {}, after: start, bufferLimit: 1_000 });
    // Appended and published while the stream reads the store.
    const live: LicenseEvent[] = [];
    const writer = (async () => {
      for (let i = 0; i < 20; i++) {
        const batch = await log.append([event("c1", `L${i}-a`), event("c1", `L${i}-b`)]);
        live.push(...batch);
        await bus.publish(batch);
      }
    })();
    const items = await take(stream, stored.length + 40);
    await writer;
    await stream.return();
    expect(cursors(items as LicenseEvent[])).toEqual([...cursors(stored), ...cursors(live)]);
    expect(bus.subscriberCount).toBe(0);
  });

  it("a burst larger than the buffer costs a subscriber nothing: the stream re-reads the store; a second overflow before it caught up ends it", async () => {
    const log = ctx.store.licenseEvents;
    const bus = await EventBus.start(log, logger);
    const stream = new LicenseEventStream({ bus, log, scope: undefined, filter: {}, after: undefined, bufferLimit: 3 });
    const burst = await log.append(Array.from({ length: 10 }, (_, i) => event("c1", `B${i}`)));
    await bus.publish(burst);
    expect(cursors((await take(stream, 10)) as LicenseEvent[])).toEqual(cursors(burst));

    // Behind by a burst, and another one before the subscriber took anything: the end, with where to resume.
    const again = await log.append(Array.from({ length: 5 }, (_, i) => event("c1", `C${i}`)));
    await bus.publish(again);
    await bus.publish(await log.append(Array.from({ length: 5 }, (_, i) => event("c1", `D${i}`))));
    const [end, ...rest] = await take(stream, 10);
    expect(end).toBeInstanceOf(EventStreamOverflow);
    expect((end as EventStreamOverflow).lastCursor).toBe(burst.at(-1)!.cursor);
    expect(rest).toEqual([]);
    expect(bus.subscriberCount).toBe(0);
  });

  it("within the caller's reach: a customer outside it gives nothing, and return() ends a waiting stream at once", async () => {
    const log = ctx.store.licenseEvents;
    const bus = await EventBus.start(log, logger);
    const start = await log.latestCursor();
    const outside = new LicenseEventStream({ bus, log, scope: ["c1"], filter: { customerIds: ["c2"] }, after: start, bufferLimit: 10 });
    const inside = new LicenseEventStream({ bus, log, scope: ["c1"], filter: {}, after: start, bufferLimit: 10 });
    const events = await log.append([event("c2", "O1"), event("c1", "I1"), event(null, "N1")]);
    await bus.publish(events);
    expect(((await take(inside, 1)) as LicenseEvent[]).map((e) => e.externalId)).toEqual(["I1"]);
    const waiting = outside.next();
    await outside.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
    await inside.return();
    expect(bus.subscriberCount).toBe(0);
  });
});
