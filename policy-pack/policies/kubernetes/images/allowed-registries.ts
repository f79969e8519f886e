import { z } from "zod";
import { CHANGE_INTEGRITY } from "../../../lib/controls";
import { podPolicy } from "../../../lib/define";
import { containersOf, quoteList } from "../../../lib/pod-spec";
import { str } from "../../../lib/values";
import { fullName, parseImage } from "./image-ref";

function allowed(image: string, prefixes: string[]): boolean {
    const name = fullName(parseImage(image));
    return prefixes.some((p) => {
        const prefix = p.replace(/\/+$/, "");
        return name === prefix || name.startsWith(`${prefix}/`);
    });
}

export const allowedRegistries = podPolicy({
    name: "k8s:images:allowed-registries",
    description: "Container images come only from the allowed registries (set allowedRegistries in the pack config).",
    severity: "high",
    remediation: "Mirror the image into an allowed registry and reference it from there, or add the registry to allowedRegistries with review.",
    controls: { ...CHANGE_INTEGRITY, "CIS EKS": ["5.1.4"] },
    config: z.object({
        allowedRegistries: z.array(z.string().min(1)).default([]).describe("Registry or repository prefixes, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com or docker.io/istio. Empty: any registry."),
    }),
    check(pod, config) {
        if (config.allowedRegistries.length === 0) return [];
        const bad = containersOf(pod.spec)
            .map((c) => str(c.container.image))
            .filter((image): image is string => image !== undefined && !allowed(image, config.allowedRegistries));
        return bad.length ? [`images ${quoteList([...new Set(bad)])} are not from an allowed registry (${config.allowedRegistries.join(", ")})`] : [];
    },
});
