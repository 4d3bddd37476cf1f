/** The official SARIF 2.1.0 schema as a validator, for the SARIF outputs' tests. */
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormatsPlugin from "ajv-formats";

/**
 * The official SARIF 2.1.0 schema (OASIS, errata 01; where it comes from: docs/scan-formats.md). It is a draft-04
 * schema: Ajv 8 has no draft-04 meta-schema, so `$schema` and the draft-04 `id` are dropped before compiling.
 * Nothing else in it differs between draft-04 and draft-07 (no boolean exclusiveMinimum/Maximum, no nested
 * ids, only local `#/definitions/…` references), so the draft-07 validator checks exactly what it says.
 */
const schema = JSON.parse(
  readFileSync(new URL("../report/__fixtures__/sarif-schema-2.1.0.json", import.meta.url), "utf8"),
) as Record<string, unknown>;
delete schema.$schema;
delete schema.id;
export const ajv = new Ajv({ strict: false, allErrors: true });
const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ?? addFormatsPlugin) as (
  a: Ajv,
) => Ajv;
addFormats(ajv);
export const validateSarif = ajv.compile(schema);
