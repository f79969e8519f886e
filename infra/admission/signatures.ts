// Image signature verification with the Sigstore policy-controller: chart values and ClusterImagePolicies
// as plain data, so tests read them without mocks.
import { MANAGED_BY } from "../namespaces/baseline";
import type { AdmissionConfig, SignaturePolicyConfig } from "./config";

/** Namespaces carrying this label have every image's signature verified by the policy-controller. */
export const SIGNATURE_OPT_IN_LABEL = { key: "policy.sigstore.dev/include", value: "true" } as const;

const NONROOT_UID = 65532;

/** Chart values for sigstore/policy-controller: fail closed, opted-in namespaces only, restricted pods. */
export function policyControllerValues(admission: AdmissionConfig): Record<string, unknown> {
  const { signatures } = admission;
  const replicas = signatures.policyController.replicas;
  return {
    installCRDs: true,
    webhook: {
      replicaCount: replicas,
      // An unreachable webhook denies rather than admits unverified images.
      failurePolicy: "Fail",
      namespaceSelector: {
        matchExpressions: [{ key: SIGNATURE_OPT_IN_LABEL.key, operator: "In", values: [SIGNATURE_OPT_IN_LABEL.value] }],
      },
      // Images that no ClusterImagePolicy names are denied (or, in local only, warned about).
      configData: { "no-match-policy": signatures.noMatchPolicy },
      // The chart calls the pod's security context `securityContext` and the container's `podSecurityContext`.
      securityContext: {
        enabled: true,
        runAsNonRoot: true,
        runAsUser: NONROOT_UID,
        runAsGroup: NONROOT_UID,
        fsGroup: NONROOT_UID,
        seccompProfile: { type: "RuntimeDefault" },
      },
      podSecurityContext: {
        enabled: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: NONROOT_UID,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      },
      resources: {
        requests: { cpu: "100m", memory: "128Mi" },
        limits: { cpu: "500m", memory: "512Mi" },
      },
      podDisruptionBudget: { enabled: replicas > 1, minAvailable: 1 },
      serviceAccount: { create: true },
      service: { type: "ClusterIP", port: 443 },
    },
    serviceMonitor: { enabled: false },
  };
}

interface Authority {
  name: string;
  keyless?: { url: string; identities: ({ issuer: string; subject: string } | { issuer: string; subjectRegExp: string })[] };
  key?: { data: string; hashAlgorithm: string };
  ctlog: { url: string };
}

export interface ClusterImagePolicyManifest {
  apiVersion: "policy.sigstore.dev/v1beta1";
  kind: "ClusterImagePolicy";
  metadata: { name: string; labels: Record<string, string> };
  spec: { mode: "enforce"; images: { glob: string }[]; authorities: Authority[] };
}

function authorities(policy: SignaturePolicyConfig, admission: AdmissionConfig): Authority[] {
  const { fulcioUrl, rekorUrl } = admission.signatures;
  const result: Authority[] = [];
  if (policy.keyless.length > 0) {
    result.push({
      name: "keyless",
      keyless: {
        url: fulcioUrl,
        identities: policy.keyless.map((identity) => identity.subject !== undefined
          ? { issuer: identity.issuer, subject: identity.subject }
          : { issuer: identity.issuer, subjectRegExp: identity.subjectRegExp! }),
      },
      // Signatures must be in the transparency log, so a stolen identity's signatures are visible.
      ctlog: { url: rekorUrl },
    });
  }
  policy.publicKeys.forEach((data, i) => {
    result.push({ name: `key-${i + 1}`, key: { data, hashAlgorithm: "sha256" }, ctlog: { url: rekorUrl } });
  });
  return result;
}

/** One ClusterImagePolicy per configured policy; an image must satisfy every policy whose glob matches it. */
export function clusterImagePolicies(admission: AdmissionConfig): ClusterImagePolicyManifest[] {
  return admission.signatures.policies.map((policy) => ({
    apiVersion: "policy.sigstore.dev/v1beta1",
    kind: "ClusterImagePolicy",
    metadata: { name: policy.name, labels: MANAGED_BY },
    spec: {
      mode: "enforce",
      images: policy.images.map((glob) => ({ glob })),
      authorities: authorities(policy, admission),
    },
  }));
}
