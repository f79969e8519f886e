import { tokenAutomount } from "../../../../../policy-pack/policies/kubernetes/service-account/token-automount";
import { check, expectNone, expectPod, expectViolations, restrictedPod } from "../../../helpers";

describe("k8s:service-account:token-automount", () => {
    it("flags ServiceAccounts that automount and passes those that opt out", async () => {
        expectViolations(
            await check(tokenAutomount, { type: "kubernetes:core/v1:ServiceAccount", name: "sa", props: { metadata: { name: "sa" } } }),
        );
        expectNone(
            await check(tokenAutomount, {
                type: "kubernetes:core/v1:ServiceAccount",
                name: "sa",
                props: { automountServiceAccountToken: false },
            }),
        );
    });
    it("flags pods that mount the default ServiceAccount's token", async () => {
        await expectPod(tokenAutomount, restrictedPod(), false);
        const spec = restrictedPod();
        delete spec.serviceAccountName;
        delete spec.automountServiceAccountToken;
        await expectPod(tokenAutomount, spec, /default ServiceAccount/);
    });
});
