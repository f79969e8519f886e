import { ENCRYPTION_AT_REST } from "../../../lib/controls";
import { resourcePolicy } from "../../../lib/define";
import { isKind } from "../../../lib/kubernetes";
import { obj, str } from "../../../lib/values";

/** The EBS CSI driver, and the in-tree plugin that Kubernetes migrates to it. */
const EBS_PROVISIONERS = new Set(["ebs.csi.aws.com", "kubernetes.io/aws-ebs"]);

/** Every EBS volume a StorageClass provisions is encrypted: the parameter is off unless it is set. */
export const encryptedEbsStorageClass = resourcePolicy({
    name: "k8s:storage:encrypted-ebs-storage-class",
    description:
        'StorageClasses that provision EBS volumes (ebs.csi.aws.com, kubernetes.io/aws-ebs) encrypt them (parameters.encrypted: "true").',
    severity: "high",
    remediation:
        "Set parameters: { encrypted: \"true\", kmsKeyId: <KMS key ARN> } on the StorageClass (without kmsKeyId EBS uses the account's aws/ebs key). A class's parameters cannot change: create a new class and move the claims to it.",
    controls: ENCRYPTION_AT_REST,
    appliesTo: (type) => isKind(type, "StorageClass", ["storage.k8s.io"]),
    check(resource, report) {
        const provisioner = str(resource.props.provisioner);
        if (!provisioner || !EBS_PROVISIONERS.has(provisioner)) return;
        const encrypted = obj(resource.props.parameters).encrypted;
        if (str(encrypted) !== "true") {
            report.violation(
                `provisions EBS volumes (${provisioner}) without parameters.encrypted "true"${encrypted === undefined ? "" : ` (it is ${JSON.stringify(encrypted)})`}: its volumes are unencrypted unless the account encrypts by default`,
            );
        }
    },
});
