import { z } from "zod";
import { CHANGE_INTEGRITY } from "../../../lib/controls";
import { podPolicy } from "../../../lib/define";
import { injectorFillsImage, pinnedByDigest } from "../../../lib/image-rules";
import { namespaceOf } from "../../../lib/kubernetes";
import { containersOf, quoteList } from "../../../lib/pod-spec";
import { str } from "../../../lib/values";

/** Advisory by default; environments that require digests set it to mandatory in their pack config. */
export const requireDigest = podPolicy({
    name: "k8s:images:require-digest",
    description: "Images are referenced by digest (image@sha256:<64 hex>), so what runs is what was scanned and signed.",
    severity: "medium",
    enforcementLevel: "advisory",
    remediation: "Resolve the tag to its digest at build time and deploy image@sha256:<digest>.",
    controls: CHANGE_INTEGRITY,
    config: z.object({
        namespaces: z
            .array(z.string())
            .default([])
            .describe(
                "When set, only workloads in these namespaces must use digests (where the cluster's admission requires them); otherwise every workload.",
            ),
    }),
    check(pod, config, resource) {
        if (config.namespaces.length > 0 && !config.namespaces.includes(namespaceOf(resource.type, resource.props) ?? "")) return [];
        const bad = containersOf(pod.spec)
            .filter((c) => !injectorFillsImage(pod.metadata, c.container, c.list))
            .map((c) => str(c.container.image))
            .filter((image): image is string => image !== undefined && !pinnedByDigest(image));
        return bad.length ? [`images ${quoteList([...new Set(bad)])} are not pinned by digest`] : [];
    },
});
