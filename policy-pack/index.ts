// Entry point for the Pulumi CLI: constructing the PolicyPack starts its gRPC server. Everything
// else imports ./policies and ./lib instead, which start nothing.
import { PolicyPack } from "@pulumi/policy";
import { packPolicies } from "./lib/pulumi";
import { allPolicies } from "./policies";

new PolicyPack("secure-platform-baseline", {
    description: "Security baseline of the Secure Microservices Platform: Pod Security Standards, Istio, Vault, AWS and Helm.",
    displayName: "Secure Platform Baseline",
    enforcementLevel: "mandatory",
    policies: packPolicies(allPolicies),
});
