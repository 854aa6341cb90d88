// Reads a JSON array of Kubernetes documents on stdin and validates each against its kind's schema, from
// kubernetes-models, @kubernetes-models/keda and @kubernetes-models/cert-manager. Fields a schema does not know are reported too (as the API server
// does with --validate=strict): the schema's validator is run on a proxy that records which fields it looked at.
// Prints one line per problem; exits 1 if there is any.
const schemas = {
  "v1": (kind) => `kubernetes-models/_schemas/IoK8sApiCoreV1${kind}`,
  "apps/v1": (kind) => `kubernetes-models/_schemas/IoK8sApiAppsV1${kind}`,
  "autoscaling/v2": (kind) => `kubernetes-models/_schemas/IoK8sApiAutoscalingV2${kind}`,
  "networking.k8s.io/v1": (kind) => `kubernetes-models/_schemas/IoK8sApiNetworkingV1${kind}`,
  "policy/v1": (kind) => `kubernetes-models/_schemas/IoK8sApiPolicyV1${kind}`,
  "batch/v1": (kind) => `kubernetes-models/_schemas/IoK8sApiBatchV1${kind}`,
  "cert-manager.io/v1": (kind) => new URL(
    `./node_modules/@kubernetes-models/cert-manager/_schemas/ComGithubCertManagerCertManagerPkgApisCertmanagerV1${kind}.js`,
    import.meta.url).href,
  // The KEDA package does not export its schemas: load them by file.
  "keda.sh/v1alpha1": (kind) => new URL(
    `./node_modules/@kubernetes-models/keda/_schemas/ComGithubKedacoreKedaV2ApisKedaV1alpha1${kind}.js`, import.meta.url).href,
};

/** A copy of value whose objects remember which of their fields were read, listed in `seen`. */
function tracked(value, path, seen) {
  if (value === null || typeof value !== "object") return value;
  const read = new Set();
  const copy = Array.isArray(value)
    ? value.map((v, i) => tracked(v, `${path}[${i}]`, seen))
    : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tracked(v, `${path}.${k}`, seen)]));
  if (!Array.isArray(value)) seen.push({ path, keys: Object.keys(value), read });
  return new Proxy(copy, {
    get(target, key, receiver) { read.add(key); return Reflect.get(target, key, receiver); },
    has(target, key) { read.add(key); return Reflect.has(target, key); },
    ownKeys(target) { Object.keys(target).forEach((k) => read.add(k)); return Reflect.ownKeys(target); },
  });
}

let input = "";
for await (const chunk of process.stdin) input += chunk;
const problems = [];
for (const doc of JSON.parse(input)) {
  const where = `${doc.kind} ${doc.metadata?.name}`;
  const schema = schemas[doc.apiVersion];
  let validate;
  try {
    validate = schema && (await import(schema(doc.kind))).validate;
  } catch {
    validate = undefined;
  }
  if (!validate) {
    problems.push(`${where}: no schema for ${doc.apiVersion} ${doc.kind}`);
    continue;
  }
  const seen = [];
  if (!validate(tracked(doc, "", seen))) {
    for (const e of validate.errors) problems.push(`${where}: ${e.instancePath || "/"} ${e.keyword} ${JSON.stringify(e.params)}`);
  }
  for (const object of seen) {
    for (const key of object.keys) {
      if (!object.read.has(key)) problems.push(`${where}: unknown field ${object.path}.${key}`);
    }
  }
}
problems.forEach((p) => console.log(p));
process.exit(problems.length ? 1 : 0);
