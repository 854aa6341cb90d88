// Validates an AsyncAPI 3.0 document (JSON on stdin) against the specification's own JSON Schema
// (@asyncapi/specs); prints one problem per line, nothing when the document is valid. Run by ContractTest.
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
const specs = require('@asyncapi/specs');

let input = '';
for await (const chunk of process.stdin) input += chunk;
const document = JSON.parse(input);

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
addFormats(ajv);
// The specification bundles the draft-07 meta-schema, which Ajv already knows: drop the copy.
const schema = structuredClone(specs.schemas[document.asyncapi]);
delete schema.definitions['http://json-schema.org/draft-07/schema'];
const validate = ajv.compile(schema);
if (!validate(document)) {
  for (const e of validate.errors) console.log(`${e.instancePath || '/'}: ${e.message}`);
}
