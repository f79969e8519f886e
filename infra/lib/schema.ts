import { z } from "zod";
import { isNetworkAddress, parseCidr } from "./cidr";
import { isQuantity } from "./quantity";
import { KUBERNETES_VERSIONS } from "../../policy-pack/policies/kubernetes/pod-security/versions";

/** A DNS-1123 label: the form Kubernetes requires for namespace and most object names. */
export const dnsLabel = z
    .string()
    .regex(
        /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
        "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
    )
    .max(63, "must be at most 63 characters");

export const cidr = z.string().refine((value) => {
    const parsed = parseCidr(value);
    return parsed !== undefined && isNetworkAddress(parsed);
}, "must be a CIDR block whose address is the network address, such as 10.0.0.0/16");

export const quantity = z.string().refine(isQuantity, "must be a Kubernetes quantity such as 500m, 2, 512Mi or 4Gi");

/** A Kubernetes minor version such as "1.33": one whose Pod Security Admission the pack models exactly (1.30 is the
 * first with ValidatingAdmissionPolicy GA), so the pack judges the stack's pods as its cluster will. */
export const kubernetesVersion = z.string().refine((v) => (KUBERNETES_VERSIONS as readonly string[]).includes(v), {
    message: `must be a Kubernetes minor version the policy pack models, one of ${KUBERNETES_VERSIONS.join(", ")} (quote it in YAML)`,
});

export const awsRegion = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$/, "must be an AWS region such as eu-west-1");

export const iamPrincipalArn = z
    .string()
    .regex(
        /^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)\/[\w+=,.@/-]+$/,
        "must be an IAM role or user ARN such as arn:aws:iam::123456789012:role/platform-admins",
    );

export const iamRoleArn = z
    .string()
    .regex(
        /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[\w+=,.@/-]+$/,
        "must be an IAM role ARN such as arn:aws:iam::123456789012:role/platform-preview",
    );

/** Values that CloudWatch Logs accepts for retentionInDays. */
export const CLOUDWATCH_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const retentionDays = z
    .number()
    .int()
    .refine(
        (days) => (CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(days),
        `must be one of the retention periods CloudWatch Logs accepts: ${CLOUDWATCH_RETENTION_DAYS.join(", ")}`,
    );

/** An exact chart version such as 1.26.2; floating ranges would let an upgrade change security settings unseen. */
export const chartVersion = z
    .string()
    .regex(/^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/, "must be an exact chart version such as 1.26.2, not a range");
