import { strict as assert } from "node:assert";
import { mergePackConfigs } from "../../tools/pack-config";

describe("tools/pack-config: reviewed additions", () => {
    it("layers reviewed settings over generated ones and keeps every exemption with its reason", () => {
        const generated = {
            "k8s:images:allowed-registries": { allowedRegistries: ["registry.example.com/"], exemptions: [{ namespace: "kube-system", reason: "EKS add-ons come from AWS's own registries" }] },
            "k8s:images:require-digest": { enforcementLevel: "advisory" },
        };
        const reviewed = {
            "k8s:images:allowed-registries": { exemptions: [{ namespace: "ops", name: "agent", reason: "vendor agent, reviewed in SEC-12" }] },
            "k8s:images:require-digest": "mandatory",
            "pss:baseline:host-ports": { exemptions: [{ namespace: "ingress", reason: "the node-local ingress binds 443 on purpose" }] },
        };
        assert.deepEqual(mergePackConfigs(generated, reviewed), {
            "k8s:images:allowed-registries": {
                allowedRegistries: ["registry.example.com/"],
                exemptions: [
                    { namespace: "kube-system", reason: "EKS add-ons come from AWS's own registries" },
                    { namespace: "ops", name: "agent", reason: "vendor agent, reviewed in SEC-12" },
                ],
            },
            "k8s:images:require-digest": { enforcementLevel: "mandatory" },
            "pss:baseline:host-ports": { exemptions: [{ namespace: "ingress", reason: "the node-local ingress binds 443 on purpose" }] },
        });
    });
});
