import { z } from "zod";
import { CHANGE_INTEGRITY } from "../../../lib/controls";
import { podPolicy } from "../../../lib/define";
import { imageVerdict, injectorFillsImage, REGISTRY_PREFIX_PATTERN } from "../../../lib/image-rules";
import { containersOf, quoteList } from "../../../lib/pod-spec";
import { str } from "../../../lib/values";

/** The same rule the cluster's admission policies enforce, over the same allowed-registry list. */
export const allowedRegistries = podPolicy({
    name: "k8s:images:allowed-registries",
    description: "Container images come only from the allowed registries (set allowedRegistries in the pack config).",
    severity: "high",
    remediation:
        "Mirror the image into an allowed registry and reference it from there, or add the registry to allowedRegistries with review.",
    controls: { ...CHANGE_INTEGRITY, "CIS EKS": ["5.1.4"] },
    config: z.object({
        allowedRegistries: z
            .array(
                z
                    .string()
                    .regex(
                        new RegExp(REGISTRY_PREFIX_PATTERN),
                        'must be a registry host with an optional path, ending in "/" (e.g. docker.io/istio/)',
                    ),
            )
            .default([])
            .describe(
                'Registry prefixes ending in "/", e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/ or docker.io/istio/. Empty: any registry.',
            ),
    }),
    check(pod, config) {
        if (config.allowedRegistries.length === 0) return [];
        const bad = containersOf(pod.spec)
            .filter((c) => !injectorFillsImage(pod.metadata, c.container, c.list))
            .map((c) => str(c.container.image))
            .filter(
                (image): image is string =>
                    image !== undefined &&
                    imageVerdict(image, { allowedRegistries: config.allowedRegistries, requireDigest: false }).violations.some(
                        (v) => v.rule === "registry",
                    ),
            );
        return bad.length
            ? [`images ${quoteList([...new Set(bad)])} are not from an allowed registry (${config.allowedRegistries.join(", ")})`]
            : [];
    },
});
