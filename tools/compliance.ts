// `npm run compliance [-- --check]`: writes docs/compliance.md from the pack's metadata and the rendered
// prod stack; with --check, exits 1 when the file is out of date instead of writing it.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { evaluatePlan, readStackPolicyConfig } from "../policy-pack/lib/plan";
import { allPolicies } from "../policy-pack/policies";
import { complianceMatrix } from "./compliance/matrix";
import { renderStack } from "./render/render";
import { REPO_ROOT } from "./render/stack-file";

export const COMPLIANCE_FILE = join(REPO_ROOT, "docs", "compliance.md");
export const COMPLIANCE_STACK = "prod";

export async function renderComplianceMatrix(stack = COMPLIANCE_STACK): Promise<string> {
  const rendered = await renderStack(stack);
  const plan = { stack, resources: rendered.resources.map(({ type, name, urn, parent, inputs, protect, dependsOn }) => ({ type, name, urn, parent, inputs, protect, dependsOn })) };
  const { report } = await evaluatePlan(plan, readStackPolicyConfig(stack));
  return complianceMatrix({ stack, policies: allPolicies, resources: rendered.resources.filter((r) => r.custom), report });
}

if (require.main === module) {
  renderComplianceMatrix().then((text) => {
    if (process.argv.includes("--check")) {
      const current = readFileSync(COMPLIANCE_FILE, "utf8");
      if (current !== text) {
        process.stderr.write("docs/compliance.md is out of date: run npm run compliance\n");
        process.exit(1);
      }
      process.stdout.write("docs/compliance.md is up to date\n");
    } else {
      writeFileSync(COMPLIANCE_FILE, text);
      process.stdout.write(`wrote ${COMPLIANCE_FILE}\n`);
    }
    process.exit(0);
  }, (error: unknown) => {
    process.stderr.write(`compliance failed: ${String(error)}\n`);
    process.exit(1);
  });
}
