import { defaultFieldResolver, isNonNullType, isObjectType, type GraphQLSchema } from "graphql";
import { GatewayError } from "../errors/gateway-error.js";
import type { GatewayContext } from "./context.js";

/**
 * A source's operational detail (last error code and times, latency, error rate, whatever `Source` gains) is for
 * operators: anyone but an admin sees only what a front end needs to say "Sofar is down": its id, kind, state and
 * circuit. The other fields are null for them (a FORBIDDEN error where the field cannot be null). Wrapping every
 * field but the public ones, rather than listing the private ones, keeps fields added later private by default.
 */
const PUBLIC_FIELDS: Record<string, ReadonlySet<string>> = {
  Source: new Set(["id", "kind", "state", "circuit"]),
};

/** Applies PUBLIC_FIELDS to the built schema, wherever those types appear (Query.sources, License.source, ...). */
export function restrictOperationalFields(schema: GraphQLSchema): GraphQLSchema {
  for (const [typeName, allowed] of Object.entries(PUBLIC_FIELDS)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`restrictOperationalFields: no object type ${typeName} in the schema`);
    for (const field of Object.values(type.getFields())) {
      if (allowed.has(field.name)) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      const required = isNonNullType(field.type);
      field.resolve = (source, args, context: GatewayContext, info) => {
        if (context.access.isAdmin) return resolve(source, args, context, info);
        if (required) throw new GatewayError("FORBIDDEN", `${typeName}.${field.name} is for admins`);
        return null;
      };
    }
  }
  return schema;
}
