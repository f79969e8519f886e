import { ENCRYPTION_AT_REST } from "../../lib/controls";
import { resourcePolicy } from "../../lib/define";
import { at, obj, str, strings } from "../../lib/values";

export const eksSecretsEncryption = resourcePolicy({
    name: "aws:eks-secrets-encryption",
    description: "EKS envelope-encrypts Kubernetes secrets with a customer-managed KMS key.",
    severity: "high",
    remediation: 'Set encryptionConfig: { resources: ["secrets"], provider: { keyArn: <KMS key ARN> } }.',
    controls: { ...ENCRYPTION_AT_REST, "CIS EKS": ["5.3.1"] },
    appliesTo: (type) => type === "aws:eks/cluster:Cluster",
    check(resource, report) {
        const config = obj(resource.props.encryptionConfig);
        if (!strings(config.resources).includes("secrets") || !str(at(config, "provider.keyArn"))) {
            report.violation("encryptionConfig does not encrypt secrets with a KMS key");
        }
    },
});
