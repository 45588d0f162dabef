// The GSL binding of the document example: the objects to test and the kinds' predicates.
import type { GslBinding } from "../../src/gsl/test-runtime.js";
import { ExampleKind, WrongExampleKind } from "./example-api.js";

const wrong = process.env.GSL_EXAMPLE_WRONG === "1";

const binding: GslBinding = {
  instances: { example_kind: () => [wrong ? new WrongExampleKind() : new ExampleKind()] },
  kinds: {
    "int+": (v) => Number.isInteger(v),
    "string+": (v) => typeof v === "string",
    "list+": (v) => Array.isArray(v),
    list_of_integers: (v) => Array.isArray(v) && v.every((x) => Number.isInteger(x)),
  },
};
export default binding;
