import { admissionFailClosed } from "../../../../policy-pack/policies/admission/fail-closed";
import { validatingPolicyEnforced } from "../../../../policy-pack/policies/admission/validating-policy-enforced";
import { check, checkStack, expectNone, expectViolations } from "../../helpers";

const GROUP = "kubernetes:admissionregistration.k8s.io/v1";
const policy = (name: string, failurePolicy?: string) => ({
    type: `${GROUP}:ValidatingAdmissionPolicy`,
    name,
    props: { metadata: { name }, spec: { ...(failurePolicy ? { failurePolicy } : {}), validations: [{ expression: "true" }] } },
});
const binding = (policyName: string, validationActions: string[]) => ({
    type: `${GROUP}:ValidatingAdmissionPolicyBinding`,
    name: `${policyName}-binding`,
    props: { metadata: { name: policyName }, spec: { policyName, validationActions } },
});

describe("admission", () => {
    describe("admission:validating-policy-enforced", () => {
        it("passes every policy bound with Deny", async () => {
            expectNone(
                await checkStack(validatingPolicyEnforced, [
                    policy("images"),
                    binding("images", ["Deny", "Audit"]),
                    policy("digests"),
                    binding("digests", ["Deny"]),
                ]),
            );
        });
        it("flags a policy without a binding", async () => {
            expectViolations(
                await checkStack(validatingPolicyEnforced, [policy("images"), policy("digests"), binding("images", ["Deny"])]),
                /digests has no binding/,
            );
        });
        it("flags a policy whose only bindings warn or audit", async () => {
            expectViolations(
                await checkStack(validatingPolicyEnforced, [policy("images"), binding("images", ["Warn"]), binding("images", ["Audit"])]),
                /images/,
            );
        });
    });
    describe("admission:fail-closed", () => {
        it("passes Fail and the default", async () => {
            expectNone(await check(admissionFailClosed, policy("images", "Fail")));
            expectNone(await check(admissionFailClosed, policy("images")));
        });
        it("flags failurePolicy Ignore", async () => {
            expectViolations(await check(admissionFailClosed, policy("images", "Ignore")), /Ignore/);
        });
    });
});
