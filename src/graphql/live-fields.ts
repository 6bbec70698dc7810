/**
 * Set on a field with type-graphql's `@Extensions(LIVE)`: its value changes by itself, so no answer holding it is
 * reused (the response cache asks `documentFacts(...).liveField`, src/graphql/document-facts.ts).
 */
export const LIVE = { live: true } as const;
