// Reads a JSON array of Kubernetes documents on stdin and validates each against its kind's schema
// (kubernetes-models, @kubernetes-models/keda). Prints one line per problem; exits 1 if there is any.
const modules = {
  "v1": "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "networking.k8s.io/v1": "kubernetes-models/networking.k8s.io/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "keda.sh/v1alpha1": "@kubernetes-models/keda/keda.sh/v1alpha1",
};

let input = "";
for await (const chunk of process.stdin) input += chunk;
const problems = [];
for (const doc of JSON.parse(input)) {
  const where = `${doc.kind} ${doc.metadata?.name}`;
  const module = modules[doc.apiVersion];
  const model = module && (await import(module))[doc.kind];
  if (!model) {
    problems.push(`${where}: no schema for ${doc.apiVersion} ${doc.kind}`);
    continue;
  }
  try {
    new model(doc).validate();
  } catch (error) {
    problems.push(`${where}: ${error.message.replace(/\s+/g, " ")}`);
  }
}
problems.forEach((p) => console.log(p));
process.exit(problems.length ? 1 : 0);
