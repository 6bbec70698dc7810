import { Kind, type DirectiveNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from "graphql";

/**
 * What an operation asks for once its fragments are flattened, however a client spells it: a fragment, named or
 * inline, adds no level and costs nothing of its own, so a Relay or Apollo document of one fragment per component
 * measures exactly as the same fields written in place. Aliases and directives inside a fragment count at every
 * spread, as they would written out at each place: an alias under two parents multiplies the answer twice.
 *
 * The cost model is graphql-armor's (which measured these limits before, and whose numbers the limits' defaults
 * were chosen with): a field with a selection costs 2, a leaf 1, a field's selection weighs DEPTH_COST_FACTOR
 * times what it would at the top, and a literal `first` or `last` multiplies the field's whole cost. Any other list
 * counts as one item: the execution limit on resolved fields (resolved-fields.ts) is what stops lists within lists.
 */
export interface SelectionMeasure {
  /** Fields on the longest path, the leaf included: `{ a { b } }` is 2. */
  depth: number;
  cost: number;
  /** Aliased fields, `__typename` included (cheap, but it still multiplies the answer). */
  aliases: number;
  /** Directives on the operation, its fields and fragments (a fragment's own at each spread). */
  directives: number;
}

const OBJECT_COST = 2;
const SCALAR_COST = 1;
/**
 * 1.2, not armor's default 1.5: at 1.5 a field ten levels down weighs 38 top-level ones, and the suite's own
 * 100-customer dashboard query (federation-call-counts) cost 35,090 against the default 20,000; at 1.2, 11,917.
 */
const DEPTH_COST_FACTOR = 1.2;

/**
 * `__schema` and `__type` add no depth and no cost: GraphiQL's introspection query is deep, and introspection is
 * governed by `server.introspection` instead. Their aliases and directives still count.
 */
const INTROSPECTION_FIELDS = new Set(["__schema", "__type"]);

const NOTHING: SelectionMeasure = { depth: 0, cost: 0, aliases: 0, directives: 0 };

/**
 * A measurer for one document. Each fragment is measured once, however many times and operations spread it (its
 * measure does not depend on where it is spread), so a fragment spread twice in a fragment spread twice, forty
 * deep, takes forty measurements, not 2^40. A fragment spread within itself, directly or not, counts nothing the
 * second time round: graphql-js's NoFragmentCyclesRule refuses the document, and this only has to finish.
 */
export function selectionMeasurer(
  getFragment: (name: string) => FragmentDefinitionNode | null | undefined,
): (selectionSet: SelectionSetNode) => SelectionMeasure {
  const fragments = new Map<string, SelectionMeasure | "measuring">();

  function measureFragment(name: string): SelectionMeasure {
    const known = fragments.get(name);
    if (known === "measuring") return NOTHING;
    if (known) return known;
    // An unknown fragment is KnownFragmentNamesRule's to report.
    const fragment = getFragment(name);
    if (!fragment) return NOTHING;
    fragments.set(name, "measuring");
    const measured = withDirectives(measureSet(fragment.selectionSet), fragment.directives);
    fragments.set(name, measured);
    return measured;
  }

  function measureField(field: FieldNode): SelectionMeasure {
    const aliases = field.alias ? 1 : 0;
    const directives = field.directives?.length ?? 0;
    if (!field.selectionSet) return { depth: 1, cost: SCALAR_COST, aliases, directives };
    const selection = measureSet(field.selectionSet);
    const introspection = INTROSPECTION_FIELDS.has(field.name.value);
    return {
      depth: introspection ? 0 : 1 + selection.depth,
      cost: introspection ? 0 : (OBJECT_COST + DEPTH_COST_FACTOR * selection.cost) * listSize(field),
      aliases: aliases + selection.aliases,
      directives: directives + selection.directives,
    };
  }

  /** The fields of a selection set, fragments flattened: the deepest of them, and the sums of the rest. */
  function measureSet(selectionSet: SelectionSetNode): SelectionMeasure {
    const sum = { ...NOTHING };
    for (const selection of selectionSet.selections) {
      const measure =
        selection.kind === Kind.FIELD
          ? measureField(selection)
          : selection.kind === Kind.INLINE_FRAGMENT
            ? withDirectives(measureSet(selection.selectionSet), selection.directives)
            : withDirectives(measureFragment(selection.name.value), selection.directives);
      sum.depth = Math.max(sum.depth, measure.depth);
      sum.cost += measure.cost;
      sum.aliases += measure.aliases;
      sum.directives += measure.directives;
    }
    return sum;
  }

  return measureSet;
}

/** `measure` with `directives` counted too: those of the operation, or of a fragment, or of one spread of it. */
export function withDirectives(measure: SelectionMeasure, directives: readonly DirectiveNode[] | undefined): SelectionMeasure {
  return directives?.length ? { ...measure, directives: measure.directives + directives.length } : measure;
}

/**
 * The items a field's selection is asked for: its first `first` or `last` argument when written as a number (at
 * least 1), else 1, as armor counted. A variable counts as one item; the resolved-fields limit covers the rest.
 */
function listSize(field: FieldNode): number {
  const size = field.arguments?.find((argument) => argument.name.value === "first" || argument.name.value === "last");
  return size?.value.kind === Kind.INT ? Math.max(Number.parseInt(size.value.value, 10), 1) : 1;
}
