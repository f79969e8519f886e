import { CHANGE_INTEGRITY } from "../../../lib/controls";
import { podPolicy } from "../../../lib/define";
import { imageVerdict, injectorFillsImage } from "../../../lib/image-rules";
import { containersOf } from "../../../lib/pod-spec";
import { str } from "../../../lib/values";

export const noLatestTag = podPolicy({
    name: "k8s:images:no-latest-tag",
    description: "Images are valid references pinned to a version: no `:latest` tag and no missing tag, unless a digest pins them.",
    severity: "high",
    remediation: "Reference the image by a version tag, or better by digest (image@sha256:...).",
    controls: CHANGE_INTEGRITY,
    check(pod) {
        const messages = new Set<string>();
        for (const c of containersOf(pod.spec)) {
            const image = str(c.container.image);
            // The injector replaces it before the pod is admitted; the pod is judged with the real image.
            if (image === undefined || injectorFillsImage(pod.metadata, c.container, c.list)) continue;
            // Only the tag rules matter here; registries and digests have their own policies.
            for (const v of imageVerdict(image, { allowedRegistries: [], requireDigest: false }).violations) {
                if (v.rule !== "registry") messages.add(`container "${c.name}": ${v.message}`);
            }
        }
        return [...messages];
    },
});
