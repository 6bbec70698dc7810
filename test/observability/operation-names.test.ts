import { describe, expect, it } from "vitest";
import { OperationNames } from "../../src/observability/operation-names.js";

describe("OperationNames: the operation label, bounded", () => {
  it("admits valid names up to the limit; later ones, long ones and malformed ones are 'other'", () => {
    const names = new OperationNames(2);
    expect(names.label("First", true)).toBe("First");
    expect(names.label("x".repeat(65), true)).toBe("other");
    expect(names.label("not-a-name", true)).toBe("other");
    expect(names.label("Second", true)).toBe("Second");
    expect(names.label("Third", true)).toBe("other");
    expect(names.label("First", true)).toBe("First");
  });

  it("labels an operation without a name 'anonymous'", () => {
    const names = new OperationNames(5);
    expect(names.label(null, true)).toBe("anonymous");
    expect(names.label(undefined, false)).toBe("anonymous");
  });

  it("lets a name that was not resolved take no place, but keeps one that was", () => {
    const names = new OperationNames(1);
    expect(names.label("Claimed", false)).toBe("other");
    expect(names.label("Real", true)).toBe("Real");
    expect(names.label("Real", false)).toBe("Real");
  });
});
